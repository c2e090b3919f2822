"""The names both sides put on the wire: a mission's sub-routes and the fields the service adds.

The client builds its URLs and reads its answers with them, the fake server routes and
answers with them, and the verifier and the cassettes recognise them: one spelling each.
"""

from __future__ import annotations

# -- a mission collection's sub-routes: {collection}/{sub-route}/{id}[/…] -----------------

#: ``GET {collection}/compute/{id}``: start computing a mission.
COMPUTE = "compute"
#: ``POST {collection}/compute_until_duration/{id}``, the body a duration in seconds:
#: compute, pausing after that duration.
COMPUTE_UNTIL_DURATION = "compute_until_duration"
#: ``GET {collection}/status/{id}``: 0 pending, a percentage running, -1 finished.
STATUS = "status"
#: ``POST {collection}/create_from_results/{id}/{new name}``: a mission resuming a paused one.
CREATE_FROM_RESULTS = "create_from_results"
#: ``GET {collection}/create_merged_results/{id}``: the results of a paused chain, merged.
CREATE_MERGED_RESULTS = "create_merged_results"

#: Sub-routes that act although they are GETs: never to be repeated by a retry.
ACTING_SUB_ROUTES = frozenset({COMPUTE, COMPUTE_UNTIL_DURATION, CREATE_MERGED_RESULTS})

# -- fields of stored objects and computation logs ------------------------------------------

#: Every stored object's id, made by the service.
ID = "id"
#: The name a client gives an object.
NAME = "name"
#: The name the service shows, a copy of ``name``: what scripts look objects up by.
DISPLAYED_NAME = "displayedName"
#: A mission's latest computation log (``computationlogs/{id}``).
COMPUTATION_LOG_ID = "computationLogId"
#: The id of the first mission of a paused chain, on each mission resuming it.
PAUSED_PARENT_MISSION_ID = "pausedParentMissionId"
#: The gridfs file of a result's ephemerides.
EPHEMERIDES_FILE_NAME = "ephemeridesFileName"
#: Where a computation log holds what the mission computed.
RESULTS = "results"

#: Fields the service sets on what it stores; a client's body cannot choose them.
SERVICE_FIELDS: tuple[str, ...] = (ID, DISPLAYED_NAME, COMPUTATION_LOG_ID, PAUSED_PARENT_MISSION_ID)
