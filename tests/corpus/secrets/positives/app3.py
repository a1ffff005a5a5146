    headers={"Authorization": "Bearer HRKU-AAAhYkh0min_aBS6_GQqonAEylH1dORhUy2z9dqKrQPdVo95zPU6c5QDgVMp"},
SQUARE_ACCESS_TOKEN = "sq0csp-YDWfl5eKUbRHg7xNQDQtIcgZu-6v9-JdK621HYHucCI"
    headers={"Authorization": "Bearer pscale_pw_couRc-349JCdgc0InnqztKPQls6Q43VfbahSfdEWnHa"},
