gh_token = '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'
ENV['VAULT_TOKEN'] ||= "hvb.PEUgHrd-uQcE-ie3MobMnytg5pL73TQSAeVJDlQhtBGY0S4gqvvaECWZHYYllzkGzoBQICfUnFSV1ccutI-HFAhvUg"
ENV['FLW_SECRET_KEY'] ||= "FLWSECK-1699ce0cd9d0c33f9a594aa33ff50cee-X"
mapbox_secret_token = 'sk.eyJ1IjoiOY4kBGpuCJE19g7KF4wVodfutJFbt2DAR8GRI_EDUqsB8puzsj1eUunzGMs7.971J-ulVshqlj1GiCYi_Th'
op_secret_key = 'A3-FMC98Q-M7R2GE-U6F8B-1M7NE-8LB3L-KZ5XW'
