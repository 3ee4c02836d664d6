/* The D-Bus wire format: marshalling against bytes worked out by hand from
 * the specification (alignment, lengths, header fields), the parser on
 * good and hostile messages, and, where a dbus-daemon is installed, a live
 * session: authentication, Hello, calls, an ERROR reply, a signal, a
 * timeout. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/dbus.h"
#include "tap.h"
#include "util/cleanup.h"

static bool bytes_are(const struct bw_dbus_buf *b, const uint8_t *want, size_t n)
{
        if (b->oom || b->len != n || memcmp(b->p, want, n) != 0) {
                printf("# got %zu bytes:", b->len);
                for (size_t i = 0; i < b->len; i++)
                        printf(" %02x", b->p[i]);
                printf("\n");
                return false;
        }
        return true;
}

static void marshalling(void)
{
        {
                struct bw_dbus_buf b = { 0 };
                bw_dbus_put_u8(&b, 1);
                bw_dbus_put_u32(&b, 0x12345678);
                static const uint8_t want[] = { 1, 0, 0, 0, 0x78, 0x56, 0x34, 0x12 };
                tap_ok(bytes_are(&b, want, sizeof(want)), "u32 after a byte: padded to 4, little-endian");
                bw_dbus_buf_free(&b);
        }
        {
                struct bw_dbus_buf b = { 0 };
                bw_dbus_put_str(&b, "ab");
                bw_dbus_put_sig(&b, "a(sv)");
                bw_dbus_put_bool(&b, true);
                static const uint8_t want[] = { 2, 0, 0, 0, 'a', 'b', 0, 5, 'a', '(', 's', 'v', ')', 0, 0, 0, 1, 0, 0, 0 };
                tap_ok(bytes_are(&b, want, sizeof(want)), "s: length, bytes, NUL; g: byte length, no padding; b: u32");
                bw_dbus_buf_free(&b);
        }
        {
                struct bw_dbus_buf b = { 0 };
                bw_dbus_prop_u64(&b, "X", 5);
                static const uint8_t want[] = { 1, 0, 0, 0, 'X', 0, 1, 't', 0, 0, 0, 0, 0, 0, 0, 0,
                                                5, 0, 0, 0, 0, 0, 0, 0 };
                tap_ok(bytes_are(&b, want, sizeof(want)), "(sv) with a t: the u64 aligned to 8 inside the variant");
                bw_dbus_buf_free(&b);
        }
        {
                struct bw_dbus_buf b = { 0 };
                struct bw_dbus_array a = bw_dbus_array_begin(&b, 8);
                bw_dbus_array_end(&b, a);
                static const uint8_t want[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
                tap_ok(bytes_are(&b, want, sizeof(want)), "empty a(sv): length 0, still padded to the struct");
                bw_dbus_buf_free(&b);
        }
        {
                struct bw_dbus_buf b = { 0 };
                bw_dbus_put_u8(&b, 7);
                struct bw_dbus_array a = bw_dbus_array_begin(&b, 8);
                bw_dbus_put_u64(&b, 1);
                bw_dbus_put_u64(&b, 2);
                bw_dbus_array_end(&b, a);
                static const uint8_t want[] = { 7, 0, 0, 0, 16, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
                                                2, 0, 0, 0, 0, 0, 0, 0 };
                tap_ok(bytes_are(&b, want, sizeof(want)), "at: the length counts the elements, not the padding");
                bw_dbus_buf_free(&b);
        }
        {
                struct bw_dbus_buf b = { 0 };
                uint32_t pids[] = { 42 };
                bw_dbus_prop_u32s(&b, "PIDs", pids, 1);
                static const uint8_t want[] = { 4, 0, 0, 0, 'P', 'I', 'D', 's', 0, 2, 'a', 'u', 0, 0, 0, 0,
                                                4, 0, 0, 0, 42, 0, 0, 0 };
                tap_ok(bytes_are(&b, want, sizeof(want)), "PIDs as au");
                bw_dbus_buf_free(&b);
        }
        {
                struct bw_dbus_buf b = { 0 };
                uint8_t mask[] = { 0x0f };
                bw_dbus_prop_bytes(&b, "AllowedCPUs", mask, 1);
                static const uint8_t want[] = { 11, 0, 0, 0, 'A', 'l', 'l', 'o', 'w', 'e', 'd', 'C', 'P', 'U', 's', 0,
                                                2, 'a', 'y', 0, 1, 0, 0, 0, 0x0f };
                tap_ok(bytes_are(&b, want, sizeof(want)), "AllowedCPUs as ay");
                bw_dbus_buf_free(&b);
        }
        {
                /* path "/", member "M", serial 1, no body */
                struct bw_dbus_buf b = { 0 };
                int r = bw_dbus_method_call(&b, 1, NULL, "/", NULL, "M", NULL, NULL);
                static const uint8_t want[] = {
                        'l', 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0,
                        1, 1, 'o', 0, 1, 0, 0, 0, '/', 0, 0, 0, 0, 0, 0, 0,
                        3, 1, 's', 0, 1, 0, 0, 0, 'M', 0, 0, 0, 0, 0, 0, 0,
                };
                tap_ok(r == 0 && bytes_are(&b, want, sizeof(want)), "a method call: fixed header, a(yv) fields, padding");
                struct bw_dbus_msg m;
                tap_ok(bw_dbus_msg_parse(b.p, b.len, &m) == 0 && m.type == BW_DBUS_METHOD_CALL && m.serial == 1 &&
                               strcmp(m.path, "/") == 0 && strcmp(m.member, "M") == 0 && !m.iface && m.body_len == 0,
                       "the parser reads back what was written");
                bw_dbus_buf_free(&b);
        }
        {
                struct bw_dbus_buf b = { 0 }, body = { 0 };
                bw_dbus_put_str(&body, "x");
                tap_is_int(bw_dbus_method_call(&b, 1, NULL, "/a//b", NULL, "M", "s", &body), -EINVAL,
                           "an invalid object path is not sent");
                tap_is_int(bw_dbus_method_call(&b, 1, NULL, "/a", NULL, "M", "a{vs}", &body), -EINVAL,
                           "an invalid signature is not sent");
                bw_dbus_buf_free(&b);
                bw_dbus_buf_free(&body);
        }
        char hex[32];
        bw_dbus_hex_uid(0, hex, sizeof(hex));
        tap_is_str(hex, "30", "EXTERNAL sends uid 0 as the hex of \"0\"");
        bw_dbus_hex_uid(1000, hex, sizeof(hex));
        tap_is_str(hex, "31303030", "uid 1000 as the hex of \"1000\"");
}

static void signatures(void)
{
        tap_ok(bw_dbus_signature_valid("ssa(sv)a(sa(sv))"), "StartTransientUnit's signature is valid");
        tap_ok(bw_dbus_signature_valid("a{sv}") && bw_dbus_signature_valid(""), "a dict and the empty signature");
        tap_ok(!bw_dbus_signature_valid("a{vs}") && !bw_dbus_signature_valid("{ss}") && !bw_dbus_signature_valid("()") &&
                       !bw_dbus_signature_valid("a") && !bw_dbus_signature_valid("(s") && !bw_dbus_signature_valid("z"),
               "bad signatures: dict key not basic, dict outside an array, empty struct, lone a, open struct, unknown code");
        char deep[80];
        memset(deep, 'a', 33);
        strcpy(deep + 33, "y");
        tap_ok(!bw_dbus_signature_valid(deep), "33 nested arrays are refused");
        deep[1] = 'y';
        deep[2] = '\0';
        tap_ok(bw_dbus_signature_valid(deep), "ay");
        tap_ok(bw_dbus_path_valid("/org/freedesktop/systemd1/job/42") && bw_dbus_path_valid("/"),
               "object paths");
        tap_ok(!bw_dbus_path_valid("") && !bw_dbus_path_valid("a/b") && !bw_dbus_path_valid("/a/") &&
                       !bw_dbus_path_valid("/a//b") && !bw_dbus_path_valid("/a-b"),
               "bad object paths");
}

/* A METHOD_RETURN for serial 7 with reply_serial 3 and body "o" path. */
static void build_return(struct bw_dbus_buf *b, const char *path)
{
        b->len = 0;
        b->oom = false;
        const uint8_t fixed[4] = { 'l', BW_DBUS_METHOD_RETURN, 0, 1 };
        for (int i = 0; i < 4; i++)
                bw_dbus_put_u8(b, fixed[i]);
        bw_dbus_put_u32(b, 0); /* body length, filled below */
        bw_dbus_put_u32(b, 7);
        struct bw_dbus_array a = bw_dbus_array_begin(b, 8);
        bw_dbus_align(b, 8);
        bw_dbus_put_u8(b, 5);
        bw_dbus_put_sig(b, "u");
        bw_dbus_put_u32(b, 3);
        bw_dbus_align(b, 8);
        bw_dbus_put_u8(b, 8);
        bw_dbus_put_sig(b, "g");
        bw_dbus_put_sig(b, "o");
        bw_dbus_array_end(b, a);
        bw_dbus_align(b, 8);
        size_t body = b->len;
        bw_dbus_put_str(b, path);
        uint32_t n = (uint32_t)(b->len - body);
        memcpy(b->p + 4, &n, 4);
}

static void parsing(void)
{
        struct bw_dbus_buf b = { 0 };
        build_return(&b, "/org/freedesktop/systemd1/job/9");
        struct bw_dbus_msg m;
        int r = bw_dbus_msg_parse(b.p, b.len, &m);
        tap_ok(r == 0 && m.type == BW_DBUS_METHOD_RETURN && m.serial == 7 && m.reply_serial == 3 && m.sig &&
                       strcmp(m.sig, "o") == 0,
               "a METHOD_RETURN: reply serial and signature");
        struct bw_dbus_rd rd;
        const char *s = NULL;
        bw_dbus_rd_init(&rd, m.body, m.body_len);
        tap_ok(bw_dbus_get_str(&rd, &s) == 0 && strcmp(s, "/org/freedesktop/systemd1/job/9") == 0 && rd.pos == m.body_len,
               "its body: the job path");
        uint32_t u;
        tap_is_int(bw_dbus_get_u32(&rd, &u), -EBADMSG, "reading past the body fails");
        size_t total = 0;
        tap_ok(bw_dbus_msg_size(b.p, BW_DBUS_MAX_MESSAGE, &total) == 0 && total == b.len,
               "the size from the fixed header is the whole message");
        tap_is_int(bw_dbus_msg_size(b.p, b.len - 1, &total), -EBADMSG, "a message above the limit is refused");

        /* Hostile variants of the same message. */
        uint8_t *c = malloc(b.len);
        memcpy(c, b.p, b.len);
        for (size_t cut = 0; cut < b.len; cut++)
                if (bw_dbus_msg_parse(c, cut, &m) == 0) {
                        tap_ok(0, "a message cut to %zu bytes parsed", cut);
                        break;
                }
        tap_ok(1, "every truncation of the message is refused");
        c[0] = 'B';
        tap_is_int(bw_dbus_msg_parse(c, b.len, &m), -EBADMSG, "big-endian refused");
        memcpy(c, b.p, b.len);
        c[3] = 2;
        tap_is_int(bw_dbus_msg_parse(c, b.len, &m), -EBADMSG, "protocol version 2 refused");
        memcpy(c, b.p, b.len);
        c[8] = c[9] = c[10] = c[11] = 0;
        tap_is_int(bw_dbus_msg_parse(c, b.len, &m), -EBADMSG, "serial 0 refused");
        memcpy(c, b.p, b.len);
        /* body string length 0xffffffff */
        size_t bat = b.len - (4 + strlen("/org/freedesktop/systemd1/job/9") + 1);
        c[bat] = c[bat + 1] = c[bat + 2] = c[bat + 3] = 0xff;
        tap_ok(bw_dbus_msg_parse(c, b.len, &m) == 0, "the header is fine with a bad body");
        bw_dbus_rd_init(&rd, m.body, m.body_len);
        tap_is_int(bw_dbus_get_str(&rd, &s), -EBADMSG, "a string longer than the body is refused");
        memcpy(c, b.p, b.len);
        c[b.len - 1] = 'x';
        bw_dbus_rd_init(&rd, c + bat, b.len - bat);
        tap_is_int(bw_dbus_get_str(&rd, &s), -EBADMSG, "a string without its NUL is refused");
        memcpy(c, b.p, b.len);
        c[bat + 6] = '\0';
        bw_dbus_rd_init(&rd, c + bat, b.len - bat);
        tap_is_int(bw_dbus_get_str(&rd, &s), -EBADMSG, "a string with a NUL inside is refused");
        memcpy(c, b.p, b.len);
        /* field 5 at 16: code, signature (length 1, 'u', NUL), u32 at 20 */
        c[17] = 2; /* its signature's length: "u" and its NUL read as 2 chars */
        tap_is_int(bw_dbus_msg_parse(c, b.len, &m), -EBADMSG, "a mangled header field is refused");
        memcpy(c, b.p, b.len);
        c[18] = 's'; /* reply serial typed as a string */
        tap_is_int(bw_dbus_msg_parse(c, b.len, &m), -EBADMSG, "a header field of the wrong type is refused");
        free(c);

        /* A body but no signature. */
        {
                struct bw_dbus_buf e = { 0 }, body = { 0 };
                bw_dbus_put_u32(&body, 1);
                bw_dbus_method_call(&e, 2, NULL, "/", NULL, "M", NULL, &body);
                tap_is_int(bw_dbus_msg_parse(e.p, e.len, &m), -EBADMSG, "a body without a signature is refused");
                bw_dbus_buf_free(&e);
                bw_dbus_buf_free(&body);
        }
        /* Skipping: a variant nested beyond the limit. */
        {
                struct bw_dbus_buf v = { 0 };
                for (int i = 0; i < 70; i++)
                        bw_dbus_put_sig(&v, "v");
                bw_dbus_put_sig(&v, "y");
                bw_dbus_put_u8(&v, 1);
                bw_dbus_rd_init(&rd, v.p, v.len);
                const char *sig = "v";
                tap_is_int(bw_dbus_skip(&rd, &sig), -EBADMSG, "70 nested variants are refused");
                bw_dbus_buf_free(&v);
        }
        {
                struct bw_dbus_buf v = { 0 };
                struct bw_dbus_array a = bw_dbus_array_begin(&v, 8);
                bw_dbus_prop_u64(&v, "A", 1);
                bw_dbus_prop_str(&v, "B", "x");
                bw_dbus_array_end(&v, a);
                bw_dbus_put_u32(&v, 9);
                bw_dbus_rd_init(&rd, v.p, v.len);
                const char *sig = "a(sv)u";
                int r1 = bw_dbus_skip(&rd, &sig);
                tap_ok(r1 == 0 && strcmp(sig, "u") == 0 && bw_dbus_get_u32(&rd, &u) == 0 && u == 9,
                       "skipping an a(sv) lands on what follows");
                v.p[0] = 0xff; /* array length past the end */
                bw_dbus_rd_init(&rd, v.p, v.len);
                sig = "a(sv)";
                tap_is_int(bw_dbus_skip(&rd, &sig), -EBADMSG, "an array longer than the data is refused");
                bw_dbus_buf_free(&v);
        }
        bw_dbus_buf_free(&b);
}

/* A dbus-daemon of our own, on a socket in a temporary directory. */
static void live(void)
{
        if (access("/usr/bin/dbus-daemon", X_OK) != 0) {
                tap_skip("no /usr/bin/dbus-daemon", "a live session");
                return;
        }
        char dir[] = "/tmp/bw-dbus-XXXXXX";
        if (!mkdtemp(dir))
                abort();
        char sock[128], conf[128], addr[160];
        snprintf(sock, sizeof(sock), "%s/bus", dir);
        snprintf(conf, sizeof(conf), "%s/bus.conf", dir);
        snprintf(addr, sizeof(addr), "unix:path=%s", sock);
        FILE *f = fopen(conf, "w");
        fprintf(f, "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
                   " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                   "<busconfig><type>session</type><listen>%s</listen><auth>EXTERNAL</auth>"
                   "<policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>"
                   "<allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>\n",
                addr);
        fclose(f);
        pid_t d = fork();
        if (d == 0) {
                freopen("/dev/null", "w", stderr); /* its notes on fd limits */
                execl("/usr/bin/dbus-daemon", "dbus-daemon", "--nofork", "--nopidfile", "--config-file", conf,
                      (char *)NULL);
                _exit(127);
        }
        for (int i = 0; i < 200 && access(sock, F_OK) != 0; i++)
                usleep(10000);
        struct bw_dbus *c = NULL;
        struct bw_error *err = NULL;
        int r = bw_dbus_open(sock, true, 5000, &c, &err);
        tap_ok(r == 0, "authenticated and said Hello to a dbus-daemon%s%s", err ? ": " : "", err ? err->msg : "");
        if (r == 0) {
                struct bw_dbus_msg m = { 0 };
                r = bw_dbus_call(c, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetId",
                                 NULL, NULL, 5000, &m, &err);
                struct bw_dbus_rd rd;
                const char *s = "";
                bw_dbus_rd_init(&rd, m.body, m.body_len);
                tap_ok(r == 0 && m.sig && strcmp(m.sig, "s") == 0 && bw_dbus_get_str(&rd, &s) == 0 && strlen(s) == 32,
                       "GetId returns the bus's 32-hex-digit id");
                bw_dbus_msg_free(&m);

                struct bw_dbus_buf body = { 0 };
                bw_dbus_put_str(&body, "org.freedesktop.DBus");
                r = bw_dbus_call(c, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                 "NameHasOwner", "s", &body, 5000, &m, &err);
                bool has = false;
                bw_dbus_rd_init(&rd, m.body, m.body_len);
                tap_ok(r == 0 && bw_dbus_get_bool(&rd, &has) == 0 && has, "NameHasOwner(s) -> b true");
                bw_dbus_msg_free(&m);

                r = bw_dbus_call(c, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "NoSuch",
                                 NULL, NULL, 5000, &m, &err);
                tap_ok(r == -EREMOTEIO && m.error_name && strcmp(m.error_name, "org.freedesktop.DBus.Error.UnknownMethod") == 0 &&
                               err && strstr(err->msg, "UnknownMethod"),
                       "an ERROR reply: its name, in the message and the reply");
                bw_error_free(err);
                err = NULL;
                bw_dbus_msg_free(&m);

                body.len = 0;
                bw_dbus_put_str(&body, "type='signal',interface='org.bulwark.Test'");
                r = bw_dbus_call(c, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "AddMatch",
                                 "s", &body, 5000, NULL, &err);
                tap_ok(r == 0, "AddMatch");
                char cmd[512];
                snprintf(cmd, sizeof(cmd),
                         "dbus-send --bus=%s --type=signal /org/bulwark/t org.bulwark.Test.Ping uint32:7 string:hi", addr);
                int st = system(cmd);
                /* The bus's own NameAcquired came first (queued during
                 * Hello): skip it. */
                while ((r = bw_dbus_next_signal(c, 5000, &m, &err)) == 0 && m.member && strcmp(m.member, "Ping") != 0)
                        bw_dbus_msg_free(&m);
                uint32_t u = 0;
                bw_dbus_rd_init(&rd, m.body, m.body_len);
                tap_ok(st == 0 && r == 0 && m.member && strcmp(m.member, "Ping") == 0 && strcmp(m.sig, "us") == 0 &&
                               bw_dbus_get_u32(&rd, &u) == 0 && u == 7 && bw_dbus_get_str(&rd, &s) == 0 && strcmp(s, "hi") == 0,
                       "a signal another client sent arrives with its body");
                bw_dbus_msg_free(&m);
                r = bw_dbus_next_signal(c, 200, &m, &err);
                tap_is_int(r, -ETIMEDOUT, "no signal: the wait ends at its timeout");
                bw_dbus_buf_free(&body);
                bw_dbus_close(c);
        }
        bw_error_free(err);
        err = NULL;
        /* Not a bus: nothing listens. */
        char none[160];
        snprintf(none, sizeof(none), "%s/none", dir);
        r = bw_dbus_open(none, false, 1000, &c, &err);
        tap_ok(r == -ENOENT && err && strstr(err->msg, none), "a missing socket: an error that names it");
        bw_error_free(err);
        kill(d, SIGTERM);
        waitpid(d, NULL, 0);
        unlink(sock);
        unlink(conf);
        rmdir(dir);
}

/* The fuzz seeds are messages the parser takes: JobRemoved's body reads as
 * uoss, the Get reply's as a variant holding a string. */
static void seeds(void)
{
        static const char *const names[] = { "call", "return_job", "error", "job_removed", "variant" };
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                char path[512];
                snprintf(path, sizeof(path), "%s/../../fuzz/corpus/dbus/%s", BW_TEST_DATA, names[i]);
                FILE *f = fopen(path, "rb");
                uint8_t buf[1024];
                size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;
                if (f)
                        fclose(f);
                struct bw_dbus_msg m;
                int r = bw_dbus_msg_parse(buf, n, &m);
                bool body_ok = r == 0;
                if (r == 0 && m.sig) {
                        struct bw_dbus_rd rd;
                        bw_dbus_rd_init(&rd, m.body, m.body_len);
                        const char *sig = m.sig;
                        while (*sig && bw_dbus_skip(&rd, &sig) == 0)
                                ;
                        body_ok = !rd.bad && rd.pos == m.body_len;
                }
                tap_ok(n > 0 && r == 0 && body_ok, "fuzz seed %s parses, body included", names[i]);
        }
}

int main(void)
{
        seeds();
        marshalling();
        signatures();
        parsing();
        live();
        return tap_done();
}
