    'github_user_token' => 'ghu_OkXvNbTRrsk61DuFqZnKmMM20gpkId0NKM5Z',
    'tfe_token' => 'ndRmFEVxw5ryjw.atlasv1.9yJwPnwtnh2uTqRfQXv1AM0iWsl3816YXO7In9UFw3HWdZVgSXGI1s9vkL8BUVR1uE9',
    'twine_password' => 'pypi-AgEIcHlwaS5vcmcBQyXnvHMIfa0kToKD5pGB03Jo0CWeccfRzFr3tMOeCyASWPIAbRx3l1ovnjR50gg1myl1CvIyJbHtglfU4uu5sB086wbJvwP-OwmtD3UZerTRt-Ugiy7nq8I',
    'langsmith_api_key' => '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',
