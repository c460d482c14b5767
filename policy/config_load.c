/* config_load: swanmesh.yaml -> struct policy_config (libyaml document API). */
#include "config_yaml.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void cfg_root(struct cfg_ctx *c, yaml_node_t *root)
{
	static const struct cfg_key keys[] = {
		{ "node", cfg_section_node },
		{ "groups", cfg_section_groups },
		{ "ike", cfg_section_ike },
		{ "dnssec", cfg_section_dnssec },
		{ "log", cfg_section_log },
		{ "kernel", cfg_section_kernel },
	};
	cfg_map_walk(c, root, "", keys, NELEM(keys));
}

/* Loads the first document; a second one is an error. */
static int cfg_parse_doc(yaml_parser_t *p, yaml_document_t *doc, const char *name,
			 struct policy_diags *diags)
{
	if (!yaml_parser_load(p, doc)) {
		policy_diags_add(diags, POLICY_ERROR, name, (unsigned)p->problem_mark.line + 1,
				 (unsigned)p->problem_mark.column + 1, "not valid YAML: %s%s%s",
				 p->problem ? p->problem : "syntax error",
				 p->context ? " " : "", p->context ? p->context : "");
		return -1;
	}
	yaml_document_t extra;
	if (!yaml_parser_load(p, &extra)) {
		policy_diags_add(diags, POLICY_ERROR, name, (unsigned)p->problem_mark.line + 1,
				 (unsigned)p->problem_mark.column + 1,
				 "not valid YAML after the first document: %s",
				 p->problem ? p->problem : "syntax error");
		yaml_document_delete(doc);
		return -1;
	}
	bool more = yaml_document_get_root_node(&extra) != NULL;
	unsigned line = (unsigned)extra.start_mark.line + 1;
	yaml_document_delete(&extra);
	if (more) {
		policy_diags_add(diags, POLICY_ERROR, name, line, 0,
				 "more than one YAML document (expected a single mapping)");
		yaml_document_delete(doc);
		return -1;
	}
	return 0;
}

int policy_config_parse(const char *buf, size_t len, const char *name,
			struct policy_config **out, struct policy_diags *diags)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct policy_config *cfg = NULL;
	size_t errors_before = diags->errors;
	int r = -1;

	*out = NULL;
	if (name == NULL)
		name = "";
	cfg = policy_config_defaults();
	if (cfg != NULL) {
		free(cfg->source);
		cfg->source = strdup(name);
	}
	if (cfg == NULL || cfg->source == NULL || !yaml_parser_initialize(&parser)) {
		policy_diags_add(diags, POLICY_ERROR, name, 0, 0, "out of memory");
		policy_config_free(cfg);
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (cfg_parse_doc(&parser, &doc, name, diags) != 0)
		goto out;
	struct cfg_ctx c = { .doc = &doc, .file = name, .diags = diags, .cfg = cfg };
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (root != NULL)
		cfg_root(&c, root);
	cfg_check_groups(&c);
	yaml_document_delete(&doc);
	if (diags->errors != errors_before)
		goto out;
	*out = cfg;
	cfg = NULL;
	r = 0;
out:
	yaml_parser_delete(&parser);
	policy_config_free(cfg);
	return r;
}

int policy_config_load(const char *path, struct policy_config **out, struct policy_diags *diags)
{
	char *buf = NULL;
	size_t len = 0;

	*out = NULL;
	if (path == NULL)
		path = POLICY_DEFAULT_CONFIG;
	int e = policy_file_read(path, &buf, &len);
	if (e == -ENOENT) {
		if (strcmp(path, POLICY_DEFAULT_CONFIG) != 0)
			policy_diags_add(diags, POLICY_WARNING, path, 0, 0, "no such file, using the defaults");
		return policy_config_parse("", 0, path, out, diags);
	}
	if (e != 0) {
		policy_diags_add(diags, POLICY_ERROR, path, 0, 0, "cannot read: %s", strerror(-e));
		return -1;
	}
	int r = policy_config_parse(buf, len, path, out, diags);
	free(buf);
	return r;
}
