"""The DB layer's key paths, from the unit tests, on MariaDB and PostgreSQL.

The functions are the unit tests themselves; collected here they get this
directory's ``db`` fixture (a real server database) instead of sqlite.
"""
from valet.tests.unit.db import test_engines
from valet.tests.unit.db import test_groups
from valet.tests.unit.db import test_inventory
from valet.tests.unit.db import test_placements
from valet.tests.unit.db import test_plans
from valet.tests.unit.db import test_reconciliation
from valet.tests.unit.db import test_requests

# Plans: all-or-nothing create, conflicts, release, idempotency, update.
test_create_plan = test_plans.test_create_plan
test_get_and_list_plans = test_plans.test_get_and_list_plans
test_plan_exists = test_plans.test_plan_exists
test_plan_exists_by_id_or_stack_id = \
    test_plans.test_plan_exists_by_id_or_stack_id
test_create_plan_swaps_group_generations = \
    test_plans.test_create_plan_swaps_group_generations
test_create_plan_all_or_nothing_on_conflict = \
    test_plans.test_create_plan_all_or_nothing_on_conflict
test_create_plan_all_or_nothing_on_unknown_group = \
    test_plans.test_create_plan_all_or_nothing_on_unknown_group
test_create_plan_idempotency_record = \
    test_plans.test_create_plan_idempotency_record
test_delete_plan_releases = test_plans.test_delete_plan_releases
test_delete_plan_conflict_keeps_plan = \
    test_plans.test_delete_plan_conflict_keeps_plan
test_update_plan = test_plans.test_update_plan
test_duplicate_orchestration_id_is_invalid = \
    test_plans.test_duplicate_orchestration_id_is_invalid
test_plan_summary_reads_what_get_plan_reads = \
    test_plans.test_plan_summary_reads_what_get_plan_reads
test_read_status_is_list_engines_and_count_plans = \
    test_engines.test_read_status_is_list_engines_and_count_plans

# Inventory: sync stability, usage never touched, CAS, round trip.
test_save_inventory_twice_is_stable = \
    test_inventory.test_save_inventory_twice_is_stable
test_save_inventory_never_touches_usage = \
    test_inventory.test_save_inventory_never_touches_usage
test_hosts_and_pools_no_longer_reported_are_disabled = \
    test_inventory.test_hosts_and_pools_no_longer_reported_are_disabled
test_apply_consumption = test_inventory.test_apply_consumption
test_apply_consumption_many_rows = \
    test_inventory.test_apply_consumption_many_rows
test_apply_consumption_stale_generation = \
    test_inventory.test_apply_consumption_stale_generation
test_load_inventory_round_trip = \
    test_inventory.test_load_inventory_round_trip

# Groups: duplicates, membership and in-use rules, plan-defined groups.
test_create_duplicate_and_invalid = \
    test_groups.test_create_duplicate_and_invalid
test_members_union_and_removal = test_groups.test_members_union_and_removal
test_delete_refused_while_in_use = \
    test_groups.test_delete_refused_while_in_use
test_remove_member_refused_while_project_has_servers = \
    test_groups.test_remove_member_refused_while_project_has_servers
test_ensure_groups = test_groups.test_ensure_groups

# Placements: filters (JSON metadata, booleans), ad-hoc lifecycle.
plan = test_placements.plan      # the fixture those tests use
test_list_placements_filters = test_placements.test_list_placements_filters
test_load_all = test_placements.test_load_all
test_ad_hoc_placement_lifecycle = \
    test_placements.test_ad_hoc_placement_lifecycle
test_ad_hoc_placement_errors = test_placements.test_ad_hoc_placement_errors

# Idempotency answers.
test_record_and_get = test_requests.test_record_and_get
test_second_answer_is_refused = test_requests.test_second_answer_is_refused

# Nova notification batches: the hosts' CAS in chunks, find-and-write.
test_batch_cas_over_many_hosts = \
    test_reconciliation.test_batch_cas_over_many_hosts
test_batch_cas_stale_generation_writes_nothing = \
    test_reconciliation.test_batch_cas_stale_generation_writes_nothing
test_reconcile_batch_finds_then_writes = \
    test_reconciliation.test_reconcile_batch_finds_then_writes
