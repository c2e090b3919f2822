"""The wire contract of spacestudio: what the client sends and the fake server answers.

A leaf package: it imports nothing of :mod:`spacestudio` or :mod:`fake_server`, and both
import it, so each side loads without the other. :mod:`~spacestudio_contract.catalog` is
the table of collections and their path segments; :mod:`~spacestudio_contract.endpoints`
the realm, the default auth URL, the client id and the shape of the URLs;
:mod:`~spacestudio_contract.wire` a mission's sub-routes and the fields the service adds;
:mod:`~spacestudio_contract.json_types` how a message names a JSON value's type.
"""
