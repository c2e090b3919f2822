"""A script importing what the published spacestudio-constellation installed, as its use
cases do: run by tests/client/test_install.py and by nox's ``fresh_install`` session in a
virtualenv holding only this project. Writes a workbook and a plot to the folder given."""

import sys
from pathlib import Path

import dotenv
import jwt
import matplotlib
import numpy as np
import openpyxl
import requests

import spacestudio
from spacestudio import urls

matplotlib.use("Agg")  # no display: write files only
import matplotlib.pyplot as plt

folder = Path(sys.argv[1])
altitudes = np.linspace(500e3, 600e3, 5)

workbook = openpyxl.Workbook()
sheet = workbook.active
sheet.append(["altitude (m)"])
for altitude in altitudes:
    sheet.append([float(altitude)])
workbook.save(folder / "altitudes.xlsx")

figure, axes = plt.subplots()
axes.plot(altitudes)
figure.savefig(folder / "altitudes.png")

token = jwt.encode({"sub": "someone"}, "a-key-long-enough-for-hs256-signing", algorithm="HS256")
assert callable(dotenv.load_dotenv) and isinstance(requests.Session(), requests.Session)
assert spacestudio.requests is requests and "ORBIT_URL" in dir(urls)
print("ok", len(token) > 0)
