"""The survey server: participants' forms, the staff workspace and the JSON API.

Built by `survey_server.app.create_app(settings)`; nothing happens at import time.
"""
