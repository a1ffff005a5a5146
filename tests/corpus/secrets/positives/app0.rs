    let fly_api_token = "fm2_7LDbJk6B4vPGbtZYYDvL1dreNRyrw2hHLoCwf5iWpqaaFL0DhwzS/RJo9cCduevXTL4U3b5ZwJitD/rjp+y1o+OcI1daSH+z8zvLPoRtn6q8bC1PMTUgMP+xUvZMLoF1ci/83ZeMRl98mZ4QtjY3NbjTBIgpy6b/ugEMAo/aKGsWLwlSzBgS==";
    let gitlab_token = "glpat-VRaYLpfARq24-8Nw5750";
    let doppler_token = "dp.st.rrJCS5D1wGnRvSGOnwF9BvP3AUDdNqSB9IcJaSRCZOv";
    let shippo_api_token = "shippo_live_5d2c5cbf6d416f3cd87329fcaabadf5a9106497a";
