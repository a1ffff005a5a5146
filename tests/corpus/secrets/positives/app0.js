  fly_api_token: "fm2_VvYtby7yL4S0B4Uy21vlWyH7AhYkh0min/aBS6/GQqonAEylH1dORhUy2z9dqKrQPdVo95zPU6c5QDgVMpziK47SyBr7H0ogsGOvYd/t+HGufIOVhD9I5tZGNS1Cugts2AEUouKuSdo+G7cFFAJ0Kd16s1uoDqAcbYzVgxFoD4h21DkFtEGF==",
fetch(url, { headers: { Authorization: `Bearer ghr_ApJf1SYlTbRlp4ov9wHyPpdf9Tt3CfRqDCouBMx4g2JRoezmBE25Gu8dMIbSLtmt1eI7Au19MFPw` } });
fetch(url, { headers: { Authorization: `Bearer glrt-T1RFz6iPBenHV4gavFvd` } });
fetch(url, { headers: { Authorization: `Bearer hvb.fCXqc0YM1nvdtYThp64jGI0GAKlQ6UzsbDllSpkdNDhjX7OYzRQ5pZQTikwbIwH5sIymClEGWLuOS3P7EmXIOIjOs7` } });
fetch(url, { headers: { Authorization: `Bearer API-3Z8959SOE3B4M411ZJLJWN2TFG` } });
  deepseek_api_key: "sk-be6f0a470f89f8f9cbe440534bac581b",
fetch(url, { headers: { Authorization: `Bearer xai-AtpJufLyilb0AawZIro8vYruKpbGfaZEGFYIF4i1IRb3bqOFLbJvxMrCPERUpRzivyuo5IXh9bPqNIS7` } });
const discord_token = 'MjI2MTI0MzM1NTYzODQ1OTM3.Yiqy1J.Fquc9KdQuKrys55OAFuzT6vaxRXSZy-00D2GBP';
const payment_test_secret = 'FLWSECK_TEST-181ef8e0099fc2fb93009404ca497c14-X';
fetch(url, { headers: { Authorization: `Bearer PMAK-c3cf8aae1a982d15c056d7d3-9fceac318cfa3219480d8e999aa8e09dc2` } });
fetch(url, { headers: { Authorization: `Bearer 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` } });
fetch(url, { headers: { Authorization: `Bearer sk.eyJ1IjoiHdrKZwADmUeqf_61dfDJFhqPNcSH-J3i1j-Mf7YCRyu97WxFzStAdXPtopYn.Ub-7GSFbqYTGH1tORjvZsf` } });
fetch(url, { headers: { Authorization: `Bearer figd_6hjyCsAPV68WxfgYW3R_IbFl4OumNaZknT4UCJw2` } });
