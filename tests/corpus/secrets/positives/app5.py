client = Client(api_key="fo1_YM1nvdtYThp64jGI0GAKlQ6UzsbDllSpkdNDhjX7OYz")
    headers={"Authorization": "Bearer glpat-e7TQIUo-K8X9h-TVBzZ8"},
client = Client(api_key="dp.pt.8Va67rEYttgdEC0wsoGFuxM3bV11nzv0xHKnySKjBWp")
    headers={"Authorization": "Bearer shippo_live_747e2d397cacfbb0f2384f8a38900192780eb046"},
