    headers={"Authorization": "Bearer glpat--M9MSGGsI3YBIa4bDXQr"},
    headers={"Authorization": "Bearer cioFPP7RdU5KZ8lZUl6l1Go2RwztRg3jN4R"},
    headers={"Authorization": "Bearer oy27u3rs3lp7q72qpykds1q8eak3mio9sq85oib430dc4u"},
    headers={"Authorization": "Bearer xoxe.xoxp-1-QUTDy0oFJ2vnvKd8IRd5qdj2ZjcJnwoAqRk0YWvyQQpVFXy2X46Dj8Z8KWHJZL3ZpxoHzgOcx95nnjCUg6wBszncxMHrLDna8tB70CFdbV3qKmXucQ6xyPSBLG7u5vTjww4pQQHsmnzj99X1S9za9OnKnHGMzHtoPePu"},
client = Client(api_key="3711403470:AATB_XAZ7ixJlLkip8-m52mMLq1rBdekCig")
client = Client(api_key="CFPAT-vNYAv7xFybb3ioehfPArMkEhHBIrLiAuayuqWHqCYLG")
client = Client(api_key="tfp_FAYQVDMlx8JuSMhxcQ5OYI9ceGkTLCm9NhgDXYBkGQIL_kSX4WL8mVNFOAw")
