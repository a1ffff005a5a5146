/* SPDX-License-Identifier: MIT */
/* Shared by the inventory catalog's unit tests. */
#pragma once

#include "inventory/catalog.h"

/* The table entry with this id, or NULL. */
const struct bh_cred_location *test_inv_location(const char *id);
