# shellcheck shell=bash
# Stand-ins for the DevStack functions devstack/plugin.sh uses, for
# test_devstack.py.  The ini functions really edit files (in awk, as
# DevStack's own do in sed); the others append one line per call to
# $STUB_LOG, arguments separated by " | ", and do no more than the plugin
# needs of them.
#
# Needs: STUB_LOG, STUB_DB_URL, STUB_TRANSPORT_URL, STUB_BIN_DIR,
# ENABLED_SERVICES, SERVICE_HOST.

function _stub_log {
    local IFS='|' line
    line="$*"
    echo "${line//|/ | }" >> "$STUB_LOG"
}

function _drop_sudo_flag {
    [[ "$1" == "-sudo" ]]
}

# _ini MODE FILE SECTION OPTION [VALUE...] - DevStack's ini functions
# (inc/ini-config): MODE "get" prints the first value, "get-multi" all of
# them on one line; "set" changes the first occurrence (or adds the
# option), "set-multi" replaces every occurrence by one line per VALUE.
# The rest of the file stays as it was; a missing section is appended.
function _ini {
    local mode=$1 file=$2 section=$3 option=$4 tmp
    shift 4
    if [[ "$mode" == get* ]]; then
        if [[ -f "$file" ]]; then
            awk -v mode="$mode" -v s="$section" -v o="$option" "$_INI_AWK" "$file"
        fi
        return 0
    fi
    touch "$file"
    tmp=$(mktemp)
    INI_VALUES=$(printf '%s\n' "$@") \
        awk -v mode="$mode" -v s="$section" -v o="$option" "$_INI_AWK" "$file" > "$tmp"
    cat "$tmp" > "$file"
    rm -f "$tmp"
}

# shellcheck disable=SC2016
_INI_AWK='
function trim(x) { gsub(/^[ \t]+|[ \t]+$/, "", x); return x }
function emit(   i) {
    for (i = 1; i <= nvalues; i++) print o " = " values[i]
    done = 1
}
BEGIN {
    nvalues = split(ENVIRON["INI_VALUES"], values, "\n")
    if (mode == "set") nvalues = 1
}
function blanks() { for (; pending > 0; pending--) print "" }
/^[ \t]*\[.*\][ \t]*$/ {
    if (in_s && !done && mode ~ /^set/) emit()
    if (mode ~ /^set/) { blanks(); print }
    name = $0; gsub(/^[ \t]*\[|\][ \t]*$/, "", name)
    in_s = (name == s); if (in_s) seen = 1
    next
}
/^[ \t]*$/ { if (mode ~ /^set/) pending++; next }
{
    if (mode ~ /^set/) blanks()
    key = ""; eq = index($0, "=")
    if (in_s && eq && $0 !~ /^[ \t]*[#;]/) key = trim(substr($0, 1, eq - 1))
    if (key != "" && key == o) {
        value = trim(substr($0, eq + 1))
        if (mode == "get" && !got) { print value; got = 1 }
        else if (mode == "get-multi") found = found (found == "" ? "" : " ") value
        else if (mode ~ /^set/ && !done) emit()
        else if (mode == "set") print
        next
    }
    if (mode ~ /^set/) print
}
END {
    if (mode == "get-multi") print found
    if (mode ~ /^set/ && !done) {
        if (!seen) { if (NR > 0) print ""; print "[" s "]" }
        emit()
    }
    if (mode ~ /^set/) blanks()
}'

function iniset {
    _drop_sudo_flag "$1" && shift
    _ini set "$@"
}

function iniget {
    _ini get "$@"
}

function iniget_multiline {
    _ini get-multi "$@"
}

function iniset_multiline {
    _drop_sudo_flag "$1" && shift
    _ini set-multi "$@"
}

# iniadd FILE SECTION OPTION VALUE... - add values to a multi-line option
function iniadd {
    _drop_sudo_flag "$1" && shift
    local file=$1 section=$2 option=$3
    shift 3
    local -a values
    read -r -a values <<< "$(iniget_multiline "$file" "$section" "$option")"
    _ini set-multi "$file" "$section" "$option" "${values[@]}" "$@"
}

function is_service_enabled {
    local service
    for service in "$@"; do
        [[ ",$ENABLED_SERVICES," == *",$service,"* ]] && return 0
    done
    return 1
}

function enable_service {
    local service
    for service in "$@"; do
        is_service_enabled "$service" || ENABLED_SERVICES="$ENABLED_SERVICES,$service"
    done
}

function define_plugin {
    _stub_log define_plugin "$@"
}

function echo_summary {
    echo "$@"
}

function die {
    local line=$1
    shift
    echo "die at line $line: $*" >&2
    exit 1
}

function sudo {
    _stub_log sudo "$@"
    "$@"
}

function get_python_exec_prefix {
    echo "$STUB_BIN_DIR"
}

function setup_develop {
    _stub_log setup_develop "$@"
}

function pip_install {
    _stub_log pip_install "$@"
}

function setup_logging {
    _stub_log setup_logging "$@"
}

function recreate_database {
    _stub_log recreate_database "$@"
}

function database_connection_url {
    echo "$STUB_DB_URL"
}

function get_transport_url {
    echo "$STUB_TRANSPORT_URL"
}

function iniset_rpc_backend {
    local file=$2 section=${3:-DEFAULT}
    _stub_log iniset_rpc_backend "$@"
    iniset "$file" "$section" transport_url "$(get_transport_url)"
}

function configure_keystone_authtoken_middleware {
    local file=$1 user=$2 section=${3:-keystone_authtoken}
    _stub_log configure_keystone_authtoken_middleware "$@"
    iniset "$file" "$section" auth_type password
    iniset "$file" "$section" auth_url "http://$SERVICE_HOST/identity"
    iniset "$file" "$section" username "$user"
    iniset "$file" "$section" password secret
    iniset "$file" "$section" project_name service
    iniset "$file" "$section" www_authenticate_uri "http://$SERVICE_HOST/identity"
}

function create_service_user {
    _stub_log create_service_user "$@"
}

function get_or_create_service {
    _stub_log get_or_create_service "$@"
    echo "service-id-$1"
}

function get_or_create_endpoint {
    _stub_log get_or_create_endpoint "$@"
    echo "endpoint-id"
}

function run_process {
    _stub_log run_process "$@"
}

function stop_process {
    _stub_log stop_process "$@"
}

function wait_for_service {
    _stub_log wait_for_service "$@"
}
