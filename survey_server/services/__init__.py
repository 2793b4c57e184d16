"""Services: queries, transactions and rules of the survey server (no web framework here).

Each public function takes the Piccolo engine first and raises the domain errors of
`survey_server.errors`.
"""
