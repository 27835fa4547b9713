/* Built-in secret rules: formats with a recognisable shape, so that a match is a secret and
 * not just a long string. Ids follow gitleaks/Trivy naming where one exists. */
#include "secrets/secrets.h"

#define RULE(id_, title_, severity_, regex_, flags_, only_in_)                                  \
	{.id = id_, .title = title_, .severity = severity_, .regex = regex_, .flags = flags_,      \
	 .only_in = only_in_}

const struct secret_rule secret_builtin_rules[] = {
	RULE("private-key", "Private key (PEM or OpenSSH)", "HIGH",
	     "-----BEGIN ([A-Z0-9]+ ){0,2}PRIVATE KEY( BLOCK)?-----", 0, NULL),
	RULE("aws-access-key-id", "AWS access key ID", "CRITICAL",
	     "\\b(A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\\b", 0, NULL),
	RULE("aws-secret-access-key", "AWS secret access key", "CRITICAL",
	     "aws_?secret_?(access_?)?key[\"']?\\s*[:=]\\s*[\"']?[A-Za-z0-9/+=]{40}\\b", SECRET_CASELESS, NULL),
	RULE("gcp-service-account", "GCP service account key", "CRITICAL",
	     "\"type\"\\s*:\\s*\"service_account\"", 0, NULL),
	RULE("github-pat", "GitHub personal access token", "CRITICAL", "\\bghp_[0-9a-zA-Z]{36}\\b", 0, NULL),
	RULE("github-fine-grained-pat", "GitHub fine-grained personal access token", "CRITICAL",
	     "\\bgithub_pat_[0-9a-zA-Z_]{82}\\b", 0, NULL),
	RULE("github-oauth", "GitHub OAuth access token", "CRITICAL", "\\bgho_[0-9a-zA-Z]{36}\\b", 0, NULL),
	RULE("github-app-token", "GitHub app token", "CRITICAL", "\\b(ghu|ghs)_[0-9a-zA-Z]{36}\\b", 0, NULL),
	RULE("github-refresh-token", "GitHub refresh token", "CRITICAL", "\\bghr_[0-9a-zA-Z]{36}\\b", 0, NULL),
	RULE("gitlab-pat", "GitLab personal access token", "CRITICAL", "\\bglpat-[0-9a-zA-Z_-]{20}\\b", 0, NULL),
	RULE("slack-token", "Slack token", "HIGH", "\\bxox[baprs]-[0-9a-zA-Z-]{10,72}", 0, NULL),
	RULE("slack-webhook", "Slack webhook URL", "MEDIUM",
	     "https://hooks\\.slack\\.com/services/[A-Za-z0-9+/]{43,46}", 0, NULL),
	RULE("npm-token", "npm access token", "CRITICAL", "\\bnpm_[0-9a-zA-Z]{36}\\b", 0, NULL),
	RULE("pypi-token", "PyPI upload token", "CRITICAL", "pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}", 0, NULL),
	RULE("docker-config-auth", "Docker registry credentials (config.json auths)", "HIGH",
	     "\"auth\"\\s*:\\s*\"[A-Za-z0-9+/]{8,}={0,2}\"", 0, "config.json"),
	RULE("env-password", "Password or secret assigned in a .env file", "HIGH",
	     "^\\s*(export\\s+)?[A-Za-z0-9_]*(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY)[A-Za-z0-9_]*"
	     "\\s*=\\s*[\"']?[^\\s\"'$]{6,}",
	     SECRET_CASELESS | SECRET_MULTILINE, ".env"),
	{.id = NULL},
};
