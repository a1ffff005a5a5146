client = Client(api_key="nfp_tPDAjmTH6L9LFQtBczQb0IAPs77oYfDG6yYz")
GRAFANA_TOKEN = "glc_eyJvIjogIjYxNzE5MiIsICJuIjogInN0YWNrLTAwMjI1MCIsICJrIjogIlBSYkZKa25Hb096eGtWdVVOb0xaZGR2aiJ9"
    headers={"Authorization": "Bearer pat.Fo843kVLrukEH4vJGg4FtR.OMcl4QH59NCBD8Y5M58691QL.fs4HL52jMzW7gEZRSjz2"},
INFRACOST_API_KEY = "ico-YfvVWlN6BrPeHhoJxdTgzaXehYV20s5S"
client = Client(api_key="sgp_7e1bb54d70febc07_91baa84d50ccc49cae7580a34e29693d5519275c")
client = Client(api_key="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")
SLACK_BOT_TOKEN = "xoxb-020921415450-3996142914848-Fz9fhAoanW86w5NnmsWDNlP1"
client = Client(api_key="lin_api_4sQeLe66S8FNoRLNTieqOjMEZQFBGofuJx4njHXJ")
