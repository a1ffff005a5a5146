ENV['AZURE_CLIENT_SECRET'] ||= "1th8Q~tsucmEUkc3VUyrUaEiNnp3ct90Z2qVmVkS"
github_token = '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'
ENV['GITHUB_APP_TOKEN'] ||= "ghs_HyDdIRR6aSSuEHXEJw8NkaFRGr1ENr14oufe"
ENV['GITHUB_PAT'] ||= "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"
claude_code_oauth_token = 'sk-ant-oat01-TwqsSVLhM-DwOT41gikW-Eq4VdwxOXomcrtppcm7LHj24tnFQn104W7Lv55L2t_5TRUlCeshf0N26VHbUvLJNGwtGCI35AA'
ENV['REPLICATE_API_TOKEN'] ||= "r8_lNSY2N41h2QS9FhQSjmW4NenBrqrSVNExzLhS"
together_api_key = 'tgp_v1_a9S6tOFFDB8KIjMoE-ZCq9quy4zs_zA-3GGYyuwyDqL'
ENV['SUPABASE_ACCESS_TOKEN'] ||= "sbp_ace5387c9abd4213f636011fec662509e7aca272"
