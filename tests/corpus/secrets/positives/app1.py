    headers={"Authorization": "Bearer bkua_3373bb39547445e91206ef89a512f2af1ea8f45e"},
    headers={"Authorization": "Bearer pnu_8y9Vcyl04v9qF84eL5eIPCwgqyhboHHfFG5O"},
    headers={"Authorization": "Bearer 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"},
client = Client(api_key="22ad321fe69d6d15b578810ec5c25e6c-5afb0a1d-512a77b1")
