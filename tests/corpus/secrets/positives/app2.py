    headers={"Authorization": "Bearer dop_v1_3c775a79047a5c28f2994a48a4afb2617552a458688335f8460ae1c2da5e6dc4"},
GH_TOKEN = "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"
client = Client(api_key="pul-72a2aff6dcb96ed1b46279330b7bc8d0170355cf")
    headers={"Authorization": "Bearer dckr_pat_Ku7B4S5DW1dne4QSr_VypwJ1G2k"},
    headers={"Authorization": "Bearer sk-svcacct-83dL7P0hRrjv-kSicP5D4fFIfCUqidj9Fekwo4EKWOCa-_8iIwj4X31H5HZBFhChUhbGrABRYDMLU_mChyCl7hPjTrtGQGwULTPyulSRkEjo6ZRS4TK4Z0VRKVVE6Oy0qLbUqR2jm0K1qjx2nkqkXcBZmRcF"},
client = Client(api_key="xoxb-395990585552-4292114767204-T7cRLLQInZdDydOn0TcYEQUp")
    headers={"Authorization": "Bearer EAAJ4EjoX6qcd6qeZ1V4yu6Y8ke3qXVfp8ntaD1Ndffn3taMLL2ONRBHbYbi4Fp6vAqy97cg0J8UwEeIi0gsP62XNfAqHDtbQHXuzQbkVWkMKIAdSnZjNSkRNF3p6mkzLQQOFCQSfnX5BVmLYtcFODip29iRJLVkfM2S5Ar8z41ALhWPz4nYFwtU"},
AIRTABLE_API_KEY = "patWqao6fbWi3xmQL.e422c8e6976a98b7a87760fefe883e6234526508cd93db0ec724aa203c8d2fb4"
