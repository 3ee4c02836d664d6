#include "runtime/seccomp_setup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linux/seccomp_cache.h"
#include "linux/seccomp_notify.h"
#include "runtime/container.h"
#include "util/cleanup.h"
#include "util/log.h"

int bw_seccomp_setup_prepare(const struct oci_config *c, const char *root, struct bw_seccomp_setup *out,
                             struct bw_error **err)
{
        *out = (struct bw_seccomp_setup){ .agent_fd = -1 };
        const struct oci_seccomp *s = c->linux ? c->linux->seccomp : NULL;
        if (!s)
                return 0;
        _cleanup_free_ char *dir = NULL;
        if (root && asprintf(&dir, "%s/seccomp-cache", root) < 0)
                return bw_error_set(err, -ENOMEM, "the seccomp cache under %s", root);
        int r = bw_seccomp_compile_cached(s, dir, &out->filter, err);
        if (r < 0)
                return bw_error_wrap(err, "compiling linux.seccomp");
        out->present = true;
        bw_debug("seccomp: %zu BPF instructions%s", out->filter.n_insns,
                 out->filter.from_cache ? " (from the cache)" : "");
        const struct oci_seccomp *st = c->linux->seccomp_stacked;
        if (st) {
                if (st->listener_path) {
                        bw_seccomp_setup_clear(out);
                        return bw_error_msg(err, -EINVAL, "linux.seccompStacked has a listenerPath: only linux.seccomp may "
                                                          "notify (remove it from the saved config)");
                }
                if ((r = bw_seccomp_compile_cached(st, dir, &out->stacked, err)) < 0) {
                        bw_seccomp_setup_clear(out);
                        return bw_error_wrap(err, "compiling the seccomp filter stacked on linux.seccomp");
                }
                bw_debug("seccomp: %zu BPF instructions stacked%s", out->stacked.n_insns,
                         out->stacked.from_cache ? " (from the cache)" : "");
        }
        if (out->filter.notify) {
                out->agent_fd = bw_seccomp_notify_connect(s->listener_path, err);
                if (out->agent_fd < 0) {
                        bw_seccomp_setup_clear(out);
                        return bw_error_wrap(err, "linux.seccomp.listenerPath");
                }
                if (s->listener_metadata && !(out->metadata = strdup(s->listener_metadata))) {
                        bw_seccomp_setup_clear(out);
                        return bw_error_set(err, -ENOMEM, "linux.seccomp.listenerMetadata");
                }
        }
        return 0;
}

int bw_seccomp_setup_state(struct bw_seccomp_setup *s, const char *id, const char *bundle,
                           const struct oci_kv_list *annotations, pid_t pid, struct bw_error **err)
{
        if (!s || !s->present || !s->filter.notify)
                return 0;
        _cleanup_free_ char *text = bw_state_json_text(id, bundle, annotations, pid, BW_STATUS_RUNNING);
        _cleanup_json_ json_t *st = text ? json_loads(text, 0, NULL) : NULL;
        free(s->state_json);
        s->state_json = st ? bw_seccomp_process_state(pid, s->metadata, st) : NULL;
        return s->state_json ? 0 : bw_error_set(err, -ENOMEM, "building the seccomp agent's state");
}

int bw_seccomp_setup_install(struct bw_seccomp_setup *s, bool no_new_privs, bool early, struct bw_error **err)
{
        if (!s || !s->present || early == no_new_privs)
                return 0;
        int listener = -1;
        /* The stacked filter first: the config's own is the last one
         * loaded, so where both answer with an errno, the config's errno
         * is the one returned. */
        if (s->stacked.n_insns && bw_seccomp_load(&s->stacked, NULL, err) < 0)
                return bw_error_wrap(err, "loading the seccomp filter stacked on linux.seccomp");
        int r = bw_seccomp_load(&s->filter, s->filter.notify ? &listener : NULL, err);
        if (r < 0)
                return bw_error_wrap(err, "loading linux.seccomp");
        if (listener < 0)
                return 0;
        /* From here on only sendmsg and close: the filter is live. */
        r = bw_seccomp_notify_send_on(s->agent_fd, listener, s->state_json ? s->state_json : "{}", err);
        close(listener);
        close(s->agent_fd);
        s->agent_fd = -1;
        return r;
}

void bw_seccomp_setup_clear(struct bw_seccomp_setup *s)
{
        bw_seccomp_filter_clear(&s->filter);
        bw_seccomp_filter_clear(&s->stacked);
        if (s->agent_fd >= 0)
                close(s->agent_fd);
        free(s->metadata);
        free(s->state_json);
        *s = (struct bw_seccomp_setup){ .agent_fd = -1 };
}
