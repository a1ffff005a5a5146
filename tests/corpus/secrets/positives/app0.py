client = Client(api_key="sntrys_eyJ_mzt7RRAUMSsoyXjGuZyp2xclRaKPsMmNINzJpdXO-s9U_mdlSF4-qAXtMoCPDSQERmLDInDIo8Z5O8OrWO2XvCpFC6rIZOPLq0G3MoU289DlEBUmsr0nT8S8Z-_7yYWuPn2vfPIsrcn7qYu2Nz0ll")
NEW_RELIC_API_KEY = "NRAK-LAYZNZ0QAQLW09QXWT7O89R9F8W"
client = Client(api_key="rubygems_feb699dafcdad13bf95c6301e76b9aa798527930cc9616cf")
client = Client(api_key="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")
    headers={"Authorization": "Bearer 9154557664:AAwcZyQpvD79FcB5wx2c8VOa6CZSj2pRpJJ"},
