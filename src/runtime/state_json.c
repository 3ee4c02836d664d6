#include "runtime/state_json.h"

#include "util/cleanup.h"
#include "util/json_text.h"

json_t *bw_annotations_json(const struct oci_kv_list *l)
{
        json_t *o = json_object();
        for (size_t i = 0; o && l && i < l->n; i++)
                json_object_set_new(o, l->v[i].key, json_string(l->v[i].value ? l->v[i].value : ""));
        return o;
}

char *bw_state_json_text(const char *id, const char *bundle, const struct oci_kv_list *annotations,
                         pid_t pid, enum bw_status status)
{
        struct bw_state s = { .id = (char *)id, .bundle = (char *)bundle, .pid = pid,
                              .annotations = bw_annotations_json(annotations) };
        _cleanup_json_ json_t *j = bw_state_oci_json(&s, status);
        if (s.annotations)
                json_decref(s.annotations);
        return j ? bw_json_dumps(j, JSON_COMPACT) : NULL;
}
