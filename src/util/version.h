#pragma once
#define BW_OCI_VERSION "1.2.0"
extern const char bw_version[];
extern const char bw_commit[];
