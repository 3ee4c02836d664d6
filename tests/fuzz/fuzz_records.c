/* libFuzzer target for the records bulwark keeps on disk: the input is a
 * container's state.json, a NUL, an id-range store record. Both are read
 * from files, as the commands read them. Whatever the bytes: the state
 * reads or fails with a message; the store lists or fails with a message,
 * and the record's range is the one its file name gives (a record never
 * moves or frees a range: an unreadable one is corrupt and stays taken). */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/idrange.h"
#include "runtime/store.h"
#include "util/cleanup.h"

static char dir[64];

static void put(const char *name, const uint8_t *data, size_t len)
{
        char path[128];
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0 || (len && write(fd, data, len) != (ssize_t)len))
                abort();
        close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        if (!dir[0]) {
                snprintf(dir, sizeof(dir), "/tmp/fuzz_records.XXXXXX");
                if (!mkdtemp(dir))
                        abort();
        }
        const uint8_t *nul = memchr(data, 0, size);
        size_t slen = nul ? (size_t)(nul - data) : size;
        const uint8_t *rec = nul ? nul + 1 : data + size;
        size_t rlen = size - (size_t)(rec - data);

        /* the state */
        put(BW_STATE_FILE, data, slen);
        struct bw_store_entry e = { .dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), .path = dir };
        if (e.dir_fd < 0)
                abort();
        struct bw_state s;
        _cleanup_error_ struct bw_error *err = NULL;
        int r = bw_state_read(&e, &s, &err);
        if (r < 0 && (!err || !err->msg))
                abort();
        if (r >= 0) {
                json_t *j = bw_state_oci_json(&s, BW_STATUS_RUNNING);
                if (j)
                        json_decref(j);
                bw_state_clear(&s);
        }
        close(e.dir_fd);

        /* the id-range record */
        put("range-100000-100000.json", rec, rlen);
        struct bw_idrange_config c = { .root = "/nonexistent-root", .store = dir };
        struct bw_idrange_allocs a = { 0 };
        _cleanup_error_ struct bw_error *err2 = NULL;
        r = bw_idrange_list(&c, &a, &err2);
        if (r < 0 && (!err2 || !err2->msg))
                abort();
        if (r >= 0) {
                if (a.n != 1 || a.v[0].range.uid != 100000 || a.v[0].range.gid != 100000)
                        abort();
                bw_idrange_allocs_free(&a);
        }
        return 0;
}
