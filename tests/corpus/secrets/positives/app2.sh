export FLY_API_TOKEN="fo1_BvmhobmH_nDiu5h2U4p-GS3Kt9p26DHz-7OPFHdILI7"
export GITLAB_TOKEN="glpat-on83VDIqpFSOHPwxWAvW"
DOPPLER_TOKEN='dp.pt.ILYCbGYXL43LTvJKOqCBEAR8EX7NvmkuYqIRgEGl2mu' ./deploy.sh --env prod
export SHIPPO_API_TOKEN="shippo_live_fdb48c4dbac73d8772f29c2fa5e2cae628ec361e"
