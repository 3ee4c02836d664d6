/* libFuzzer target for the D-Bus reply parser: any bytes give a parsed
 * message or -EBADMSG, never a read outside them. A parsed message's body
 * is walked by its signature, and the text is tried as a signature and an
 * object path. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linux/dbus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        /* An exact-size copy, so that reading one byte past is caught. */
        uint8_t *buf = malloc(size ? size : 1);
        if (!buf)
                return 0;
        memcpy(buf, data, size);
        size_t total;
        if (size >= 16 && bw_dbus_msg_size(buf, BW_DBUS_MAX_MESSAGE, &total) == 0 && total < 16)
                abort();
        struct bw_dbus_msg m;
        if (bw_dbus_msg_parse(buf, size, &m) == 0) {
                if (m.body + m.body_len != buf + size)
                        abort();
                struct bw_dbus_rd rd;
                bw_dbus_rd_init(&rd, m.body, m.body_len);
                const char *sig = m.sig ? m.sig : "";
                while (*sig && bw_dbus_skip(&rd, &sig) == 0)
                        ;
                if (rd.pos > m.body_len)
                        abort();
        }
        char *text = strndup((const char *)data, size);
        if (text) {
                (void)bw_dbus_signature_valid(text);
                (void)bw_dbus_path_valid(text);
                free(text);
        }
        free(buf);
        return 0;
}
