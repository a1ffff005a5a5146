git clone https://deploy:Rh6mGuutlWUAoZJTAIPJlVLz@git.internal0.test/org/repo.git
curl -H "Authorization: Bearer UCwaC8jyBQJ_x4wqGUoDPeS6kxKzt26QHMgOn9iS" https://api.internal.test/v0/jobs
curl -H 'Authorization: Basic Y2k6SVVSbUZjYXdDR3Z2ajBCcg==' https://nexus.internal.test/
git clone https://deploy:6UTxSoagdJIOXbsy1wtCUKeJ@git.internal1.test/org/repo.git
curl -H "Authorization: Bearer meRa-r4qMiil8AfuwWuJL9OVzTmV69ym2sXPkLVf" https://api.internal.test/v1/jobs
curl -H 'Authorization: Basic Y2k6UVhVWklzQUFaY0ZYUXhaSA==' https://nexus.internal.test/
git clone https://deploy:11CICZA4NNv4BL8lqtYbJMOu@git.internal2.test/org/repo.git
curl -H "Authorization: Bearer TcYznhO9ovd64e1cEuewOdhyq_yOg_SYa-TdIU5L" https://api.internal.test/v2/jobs
curl -H 'Authorization: Basic Y2k6SFF2cjRWbEppZyUwZWRLNg==' https://nexus.internal.test/
git clone https://deploy:ipilQJljJAh5m9YNiXCrBv8j@git.internal3.test/org/repo.git
curl -H "Authorization: Bearer ps82o6H_y0E_UjOtBZ86zBEH28rZq21ignFHB8MG" https://api.internal.test/v3/jobs
curl -H 'Authorization: Basic Y2k6V0dzUENJcUtFVyF5MnFkNg==' https://nexus.internal.test/
