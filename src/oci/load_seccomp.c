/* "linux.seccomp": the syscall filter. Names are checked here (actions,
 * operators, architectures, flags); syscall names are not, since profiles
 * list syscalls newer than the kernel or libseccomp at hand. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "oci/reader.h"
#include "util/cleanup.h"

static int load_action(struct oci_reader *r, json_t *obj, const char *key, enum oci_seccomp_action *out)
{
        json_t *v = rd_enter(r, obj, key);
        if (!v)
                return 0;
        int a = json_is_string(v) ? oci_seccomp_action_from_name(json_string_value(v)) : -1;
        int k = a < 0 ? rd_expected(r, v, "a seccomp action such as \"SCMP_ACT_ERRNO\"") : 0;
        *out = (enum oci_seccomp_action)(a < 0 ? 0 : a);
        rd_pop(r);
        return k;
}

static int load_arg(struct oci_reader *r, json_t *v, void *elem)
{
        struct oci_seccomp_arg *a = elem;
        int k;
        if ((k = rd_require(r, v, "index", "an argument index from 0 to 5")) < 0 ||
            (k = rd_require(r, v, "value", "an integer")) < 0 ||
            (k = rd_require(r, v, "op", "a seccomp operator")) < 0)
                return k;
        json_t *i = rd_enter(r, v, "index");
        uint64_t idx = 0;
        k = rd_uint_max(r, i, 5, &idx); /* syscalls take at most six arguments */
        a->index = (uint32_t)idx;
        rd_pop(r);
        if (k < 0)
                return k;
        json_t *x = rd_enter(r, v, "value");
        k = rd_u64_or_negative(r, x, &a->value);
        rd_pop(r);
        if (k < 0)
                return k;
        if ((x = rd_enter(r, v, "valueTwo"))) {
                k = rd_u64_or_negative(r, x, &a->value_two);
                rd_pop(r);
                if (k < 0)
                        return k;
        }
        json_t *o = rd_enter(r, v, "op");
        int op = json_is_string(o) ? oci_seccomp_op_from_name(json_string_value(o)) : -1;
        k = op < 0 ? rd_expected(r, o, "a seccomp operator such as \"SCMP_CMP_EQ\"") : 0;
        a->op = (enum oci_seccomp_op)(op < 0 ? 0 : op);
        rd_pop(r);
        return k;
}

static int load_syscall(struct oci_reader *r, json_t *v, void *elem)
{
        struct oci_seccomp_syscall *s = elem;
        int k;
        if ((k = rd_require(r, v, "names", "an array of syscall names")) < 0 ||
            (k = rd_require(r, v, "action", "a seccomp action")) < 0 ||
            (k = rd_field_strv(r, v, "names", &s->names)) < 0 ||
            (k = load_action(r, v, "action", &s->action)) < 0 ||
            (k = rd_field_opt_u32(r, v, "errnoRet", &s->errno_ret)) < 0 ||
            (k = rd_field_struct_array(r, v, "args", sizeof(*s->args), (void **)&s->args, &s->n_args, load_arg)) < 0)
                return k;
        if (!s->names[0]) {
                rd_push_key(r, "names");
                k = rd_expected(r, json_object_get(v, "names"), "at least one syscall name");
                rd_pop(r);
        }
        return k;
}

/* A list of names each of which known() accepts. */
static int load_names(struct oci_reader *r, json_t *obj, const char *key, char ***out, bool (*known)(const char *),
                      const char *expected)
{
        json_t *v = rd_enter(r, obj, key);
        if (!v)
                return 0;
        int k = rd_strv(r, v, out);
        for (size_t i = 0; k == 0 && (*out)[i]; i++) {
                if (known((*out)[i]))
                        continue;
                rd_push_index(r, i);
                k = rd_expected(r, json_array_get(v, i), expected);
                rd_pop(r);
        }
        rd_pop(r);
        return k;
}

int oci_load_seccomp(struct oci_reader *r, json_t *v, struct oci_seccomp *s)
{
        int k;
        if ((k = rd_require(r, v, "defaultAction", "a seccomp action")) < 0 ||
            (k = load_action(r, v, "defaultAction", &s->default_action)) < 0 ||
            (k = rd_field_opt_u32(r, v, "defaultErrnoRet", &s->default_errno_ret)) < 0 ||
            (k = load_names(r, v, "architectures", &s->architectures, oci_seccomp_arch_known,
                            "an architecture such as \"SCMP_ARCH_X86_64\"")) < 0 ||
            (k = load_names(r, v, "flags", &s->flags, oci_seccomp_flag_known,
                            "a flag such as \"SECCOMP_FILTER_FLAG_LOG\"")) < 0 ||
            (k = rd_field_abs_path(r, v, "listenerPath", &s->listener_path)) < 0 ||
            (k = rd_field_string(r, v, "listenerMetadata", &s->listener_metadata)) < 0 ||
            (k = rd_field_struct_array(r, v, "syscalls", sizeof(*s->syscalls), (void **)&s->syscalls,
                                       &s->n_syscalls, load_syscall)) < 0)
                return k;
        return 0;
}
