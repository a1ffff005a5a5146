BROKER_URL = "amqp://worker:sWZ5YUruH72qWnv%5ElmO@mq0.internal:5672/vhost"
BROKER_URL = "amqp://worker:xY34ZRZx5YfMDbiHoS%5E5Cs@mq1.internal:5672/vhost"
BROKER_URL = "amqp://worker:oW8X9qya2JEkzgMKC%2108L@mq2.internal:5672/vhost"
BROKER_URL = "amqp://worker:AbeP5NVa4VYzfpjh%21Zwr@mq3.internal:5672/vhost"
