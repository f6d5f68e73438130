"""vgateway: the piece between surveillance cameras and the people who watch them.

Data flow: camera -> ingest -> hub -> relay | analytics | recording -> events -> api -> web.
"""

__version__ = "0.1.0"
