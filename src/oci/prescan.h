/* Raw-byte checks before parsing: empty file, UTF-8, nesting depth. */
#pragma once
#include "oci/reader.h"

int oci_prescan(struct oci_reader *r);
