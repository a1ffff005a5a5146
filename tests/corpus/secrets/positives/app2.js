fetch(url, { headers: { Authorization: `Bearer bkua_9164bfaefa4fe36aeb2ee31222a37cb0404855be` } });
  prefect_api_key: "pnu_ChoWwhwapOAN1WTGZe2ekqMQTp8L2xuxK1IK",
fetch(url, { headers: { Authorization: `Bearer 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` } });
fetch(url, { headers: { Authorization: `Bearer 78c61583d39f44fc1bfcad6f19d03798-d6c73163-3cb4e29b` } });
