#!/bin/bash
#
# DevStack plugin entry point for Valet: stack.sh, unstack.sh and clean.sh
# source this file with the mode and phase as arguments.

# Save trace setting
_XTRACE_VALET_PLUGIN=$(set +o | grep xtrace)
set -o xtrace

# shellcheck source=devstack/lib/valet
source "$VALET_DIR/devstack/lib/valet"

if is_valet_enabled; then
    if [[ "$1" == "stack" && "$2" == "install" ]]; then
        echo_summary "Installing Valet"
        install_valet

    elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
        echo_summary "Configuring Valet"
        configure_valet
        init_valet
        configure_services_for_valet

    elif [[ "$1" == "stack" && "$2" == "extra" ]]; then
        echo_summary "Starting Valet"
        start_valet
    fi

    if [[ "$1" == "unstack" ]]; then
        stop_valet
    fi

    if [[ "$1" == "clean" ]]; then
        cleanup_valet
    fi
fi

# Restore xtrace
$_XTRACE_VALET_PLUGIN
