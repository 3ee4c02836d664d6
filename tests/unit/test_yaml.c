/* The YAML reader: positions, multi-document streams, JSON, anchors and
 * merge keys, YAML 1.1 booleans as Kubernetes reads them, errors. */
#include <string.h>

#include "input/yaml.h"
#include "tap.h"

static int parse(const char *text, struct bw_yaml *y, struct bw_error **err)
{
        return bw_yaml_parse(text, strlen(text), "t.yaml", y, err);
}

static void positions(void)
{
        struct bw_yaml y;
        struct bw_error *err = NULL;
        const char *t = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: busybox\n"
                        "    securityContext:\n      privileged: true\n";
        tap_is_int(parse(t, &y, &err), 0, "a pod parses");
        tap_is_int(y.n_docs, 1, "one document");
        const struct bw_ynode *spec = bw_ymap_get(y.docs[0], "spec");
        const struct bw_ynode *c = bw_yseq_at(bw_ymap_get(spec, "containers"), 0);
        const struct bw_ynode *p = bw_ymap_get(bw_ymap_get(c, "securityContext"), "privileged");
        bool v = false;
        tap_ok(bw_ybool(p, &v) && v, "privileged: true is a boolean");
        tap_is_int(p->line, 8, "its line");
        tap_is_int(p->col, 19, "its column (the value)");
        const struct bw_ynode *k = bw_ymap_key(bw_ymap_get(c, "securityContext"), "privileged");
        tap_is_int(k->col, 7, "the key's column");
        tap_is_str(bw_ystr(bw_ymap_get(c, "name")), "a", "a string");
        tap_is_int(bw_ymap_get(c, "name")->line, 5, "a sequence item's key line");
        bw_yaml_free(&y);
}

static void documents(void)
{
        struct bw_yaml y;
        struct bw_error *err = NULL;
        const char *t = "# Source: chart/templates/a.yaml\nkind: A\n---\n---\n# comment only\nkind: B\n...\n---\n[1, 2]\n";
        tap_is_int(parse(t, &y, &err), 0, "a stream parses");
        tap_is_int(y.n_docs, 4, "four documents, one empty");
        tap_is_str(bw_ystr(bw_ymap_get(y.docs[0], "kind")), "A", "first");
        tap_ok(bw_ymap_get(y.docs[1], "kind") == NULL, "the empty document has no kind");
        tap_is_str(bw_ystr(bw_ymap_get(y.docs[2], "kind")), "B", "third");
        tap_is_int(bw_ymap_get(y.docs[2], "kind")->line, 6, "its line in the stream");
        tap_is_int(bw_yseq_len(y.docs[3]), 2, "a flow sequence");
        bw_yaml_free(&y);
}

static void json(void)
{
        struct bw_yaml y;
        struct bw_error *err = NULL;
        const char *t = "{\n  \"kind\": \"Pod\",\n  \"spec\": {\"hostPID\": true, \"n\": 3, \"s\": \"true\"}\n}\n";
        tap_is_int(parse(t, &y, &err), 0, "JSON parses as YAML");
        const struct bw_ynode *spec = bw_ymap_get(y.docs[0], "spec");
        bool v = false;
        tap_ok(bw_ybool(bw_ymap_get(spec, "hostPID"), &v) && v, "a JSON boolean");
        tap_is_int(bw_ymap_get(spec, "hostPID")->line, 3, "its line");
        int64_t n = 0;
        tap_ok(bw_yint(bw_ymap_get(spec, "n"), &n) && n == 3, "a JSON number");
        tap_ok(!bw_ybool(bw_ymap_get(spec, "s"), &v), "a quoted \"true\" is a string, not a boolean");
        bw_yaml_free(&y);
}

static void scalars(void)
{
        struct bw_yaml y;
        struct bw_error *err = NULL;
        const char *t = "a: yes\nb: Off\nc: ~\nd: null\ne:\nf: '1'\ng: 0x10\n";
        tap_is_int(parse(t, &y, &err), 0, "scalars parse");
        bool v = false;
        tap_ok(bw_ybool(bw_ymap_get(y.docs[0], "a"), &v) && v, "yes is true (YAML 1.1, as Kubernetes reads it)");
        tap_ok(bw_ybool(bw_ymap_get(y.docs[0], "b"), &v) && !v, "Off is false");
        tap_ok(bw_ystr(bw_ymap_get(y.docs[0], "c")) == NULL, "~ is null");
        tap_ok(bw_ystr(bw_ymap_get(y.docs[0], "d")) == NULL, "null is null");
        tap_ok(bw_ystr(bw_ymap_get(y.docs[0], "e")) == NULL, "an empty value is null");
        int64_t n = 0;
        tap_ok(!bw_yint(bw_ymap_get(y.docs[0], "f"), &n), "a quoted number is a string");
        tap_ok(bw_yint(bw_ymap_get(y.docs[0], "g"), &n) && n == 16, "a hex integer");
        bw_yaml_free(&y);
}

static void anchors(void)
{
        struct bw_yaml y;
        struct bw_error *err = NULL;
        const char *t = "base: &sc\n  privileged: true\n  runAsUser: 0\nc1:\n  <<: *sc\n  runAsUser: 1000\n"
                        "c2: *sc\nloop: &l [*l]\n";
        int r = parse(t, &y, &err);
        tap_is_int(r, -22, "an alias to an anchor still being defined is refused");
        tap_ok(err && strstr(err->msg, "t.yaml:8:") && strstr(err->msg, "alias *l"), "naming the line and the alias");
        bw_error_free(err);
        err = NULL;
        t = "base: &sc\n  privileged: true\n  runAsUser: 0\nc1:\n  <<: *sc\n  runAsUser: 1000\nc2: *sc\n";
        tap_is_int(parse(t, &y, &err), 0, "anchors and a merge key parse");
        const struct bw_ynode *c1 = bw_ymap_get(y.docs[0], "c1");
        int64_t n = -1;
        bool v = false;
        tap_ok(bw_yint(bw_ymap_get(c1, "runAsUser"), &n) && n == 1000, "the mapping's own key wins over the merge");
        tap_ok(bw_ybool(bw_ymap_get(c1, "privileged"), &v) && v, "a merged key is found");
        tap_is_int(bw_ymap_get(c1, "privileged")->line, 2, "at the anchor's line");
        tap_ok(bw_ymap_get(y.docs[0], "c2") == bw_ymap_get(y.docs[0], "base"), "an alias is its anchor's node");
        bw_yaml_free(&y);
}

static void errors(void)
{
        struct bw_yaml y;
        struct bw_error *err = NULL;
        tap_ok(parse("a: b\n c: d\n", &y, &err) < 0, "bad indentation is an error");
        tap_ok(err && strncmp(err->msg, "t.yaml:2:", 9) == 0, "with its line: %s", err ? err->msg : "");
        bw_error_free(err);
        err = NULL;
        char deep[600];
        memset(deep, '[', 300);
        deep[300] = 0;
        tap_ok(parse(deep, &y, &err) < 0, "nesting past the limit is refused");
        tap_ok(err && strstr(err->msg, "nested deeper"), "saying so: %s", err ? err->msg : "");
        bw_error_free(err);
}

int main(void)
{
        positions();
        documents();
        json();
        scalars();
        anchors();
        errors();
        return tap_done();
}
