BROKER_URL = "amqp://worker:lfqjRpukl2fBetg%214ke@mq0.internal:5672/vhost"
BROKER_URL = "amqp://worker:4ZbSjRct1iFEb0owL%23n0g@mq1.internal:5672/vhost"
BROKER_URL = "amqp://worker:AMuRQPpDmRYKZJTzd9KY%21OMe@mq2.internal:5672/vhost"
BROKER_URL = "amqp://worker:3kVHktpP7vxuFqBtYnKOe%5E7LU@mq3.internal:5672/vhost"
