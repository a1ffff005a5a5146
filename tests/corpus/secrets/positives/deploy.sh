git clone https://deploy:bQc9uGODVMbYDAxm4MPAsq1O@git.internal0.test/org/repo.git
curl -H "Authorization: Bearer 2Q4-21hvlx1NJ04p0fjI9Zm_wRMXp2bxUx8Tfc-v" https://api.internal.test/v0/jobs
curl -H 'Authorization: Basic Y2k6cDVsbnM1MlQwaUhvbkNyOA==' https://nexus.internal.test/
git clone https://deploy:ZQDGtFGp73FCEhCJ2dGw8btN@git.internal1.test/org/repo.git
curl -H "Authorization: Bearer RalBu-T_HsSxIyzF_LZWuQBJx96uI-2vfxfRNhws" https://api.internal.test/v1/jobs
curl -H 'Authorization: Basic Y2k6OTdRRVcwWWQjbTF0WDQxQw==' https://nexus.internal.test/
git clone https://deploy:LjfoJS5o3qVIa7mcuOyH65Va@git.internal2.test/org/repo.git
curl -H "Authorization: Bearer AR0avnLZj25WUtbyD24pQmA1e8EHCqFyxMiYqjht" https://api.internal.test/v2/jobs
curl -H 'Authorization: Basic Y2k6VVlLTDY0enlMOWh6a2ZGaA==' https://nexus.internal.test/
git clone https://deploy:oOdPAoYCF4iSyQEf0ZtYHsgf@git.internal3.test/org/repo.git
curl -H "Authorization: Bearer A0tUmm_kng-1nks1DcFU-mHo34gSboEN7Z5QMkID" https://api.internal.test/v3/jobs
curl -H 'Authorization: Basic Y2k6SFU5QldaM3Z4eGcjVG5TQQ==' https://nexus.internal.test/
