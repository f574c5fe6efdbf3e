/*
 * The routing table: every route, its permission and its handler, at a
 * glance. A route must declare a permission (ROUTE_PUBLIC, ROUTE_SESSION or
 * permission bits); tests/unit/test_routes.c fails on one that does not.
 */
#include "http/http.h"

#define P(x) PERM_##x

const struct route routes[] = {
    /* method  pattern                       permission      scope  json  handler */
    {"GET", "/api/v1/branding", ROUTE_PUBLIC, SCOPE_SCHOOL, false, h_branding},
    {"POST", "/api/v1/auth/login", ROUTE_PUBLIC, SCOPE_SCHOOL, true, h_login},
    {"POST", "/api/v1/auth/support", ROUTE_PUBLIC, SCOPE_SCHOOL, true, h_support_login},
    {"GET", "/api/v1/auth/me", ROUTE_SESSION, SCOPE_SCHOOL, false, h_me},
    {"POST", "/api/v1/auth/logout", ROUTE_SESSION, SCOPE_SCHOOL, false, h_logout},
    {"GET", "/api/v1/auth/tokens", ROUTE_SESSION, SCOPE_SCHOOL, false, h_tokens_list},
    {"POST", "/api/v1/auth/tokens", ROUTE_SESSION, SCOPE_SCHOOL, true, h_tokens_create},
    {"DELETE", "/api/v1/auth/tokens/{id}", ROUTE_SESSION, SCOPE_SCHOOL, false, h_tokens_revoke},
    {"GET", "/api/v1/settings", P(MANAGE_SCHOOL_SETTINGS), SCOPE_SCHOOL, false, h_settings_get},
    {"PATCH", "/api/v1/settings", P(MANAGE_SCHOOL_SETTINGS), SCOPE_SCHOOL, true, h_settings_patch},
    {"GET", "/api/v1/users", P(INVITE_USERS), SCOPE_SCHOOL, false, h_users_list},
    {"POST", "/api/v1/users", P(INVITE_USERS), SCOPE_SCHOOL, true, h_users_create},
    {"GET", "/api/v1/audit", P(VIEW_SCHOOL_ANALYTICS) | P(VIEW_PLATFORM_ANALYTICS), SCOPE_SCHOOL, false, h_audit_list},
    /* webui (issue 14): the kinds of rows of this log, for its filter */
    {"GET", "/api/v1/audit/actions", P(VIEW_SCHOOL_ANALYTICS) | P(VIEW_PLATFORM_ANALYTICS), SCOPE_SCHOOL, false, h_audit_actions},
    {"GET", "/api/v1/platform/tenants", P(VIEW_PLATFORM_ANALYTICS), SCOPE_MASTER, false, h_tenants_list},
    {"POST", "/api/v1/platform/tenants", P(CREATE_TENANTS), SCOPE_MASTER, true, h_tenants_create},
    {"POST", "/api/v1/platform/tenants/{code}/suspend", P(CREATE_TENANTS), SCOPE_MASTER, false, h_tenants_suspend},
    {"POST", "/api/v1/platform/tenants/{code}/activate", P(CREATE_TENANTS), SCOPE_MASTER, false, h_tenants_activate},
    {"POST", "/api/v1/platform/tenants/{code}/deactivate", P(CREATE_TENANTS), SCOPE_MASTER, false, h_tenants_deactivate},
    {"POST", "/api/v1/platform/tenants/{code}/support-access", P(ACCESS_ALL_TENANTS), SCOPE_MASTER, true, h_tenants_support},
    {"GET", "/api/v1/platform/statistics", P(VIEW_PLATFORM_ANALYTICS), SCOPE_MASTER, false, h_statistics},
    {"GET", "/api/v1/platform/invitations", P(MANAGE_INVITATIONS), SCOPE_MASTER, false, h_invitations_list},
    {"POST", "/api/v1/platform/invitations", P(MANAGE_INVITATIONS), SCOPE_MASTER, true, h_invitations_create},
    {"GET", "/api/v1/invitations/{token}", ROUTE_PUBLIC, SCOPE_MASTER, false, h_invitation_get},
    {"POST", "/api/v1/invitations/{token}/accept", ROUTE_PUBLIC, SCOPE_MASTER, true, h_invitation_accept},
    /* records: export */
    {"GET", "/api/v1/exports/matricula.xlsx", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_export_matricula},
    {"GET", "/api/v1/exports/enrolment.xlsx", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_export_enrolment_xlsx},
    {"GET", "/api/v1/exports/enrolment.pdf", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_export_enrolment_pdf},
    /* records: structure (school years, grades, sections, subjects, rooms, staff) */
    {"GET", "/api/v1/years", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_years_list},
    {"POST", "/api/v1/years", P(MANAGE_RECORDS), SCOPE_SCHOOL, true, h_years_create},
    {"PATCH", "/api/v1/years/{id}", P(MANAGE_RECORDS), SCOPE_SCHOOL, true, h_years_patch},
    {"POST", "/api/v1/years/{id}/promote", P(MANAGE_RECORDS), SCOPE_SCHOOL, true, h_years_promote},
    {"GET", "/api/v1/grades", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_grades_list},
    {"POST", "/api/v1/grades", P(MANAGE_RECORDS), SCOPE_SCHOOL, true, h_grades_create},
    {"GET", "/api/v1/sections", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_sections_list},
    {"POST", "/api/v1/sections", P(MANAGE_RECORDS), SCOPE_SCHOOL, true, h_sections_create},
    {"PATCH", "/api/v1/sections/{id}", P(MANAGE_RECORDS), SCOPE_SCHOOL, true, h_sections_patch},
    {"DELETE", "/api/v1/sections/{id}", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_sections_delete},
    {"GET", "/api/v1/subjects", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_subjects_list},
    {"POST", "/api/v1/subjects", P(MANAGE_RECORDS), SCOPE_SCHOOL, true, h_subjects_create},
    {"PATCH", "/api/v1/subjects/{id}", P(MANAGE_RECORDS), SCOPE_SCHOOL, true, h_subjects_patch},
    {"DELETE", "/api/v1/subjects/{id}", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_subjects_delete},
    {"GET", "/api/v1/rooms", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_rooms_list},
    {"POST", "/api/v1/rooms", P(MANAGE_RECORDS), SCOPE_SCHOOL, true, h_rooms_create},
    {"PATCH", "/api/v1/rooms/{id}", P(MANAGE_RECORDS), SCOPE_SCHOOL, true, h_rooms_patch},
    {"DELETE", "/api/v1/rooms/{id}", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_rooms_delete},
    {"GET", "/api/v1/staff", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_staff_list},
    {"POST", "/api/v1/staff", P(MANAGE_RECORDS), SCOPE_SCHOOL, true, h_staff_create},
    {"GET", "/api/v1/staff/{id}", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_staff_get},
    {"PATCH", "/api/v1/staff/{id}", P(MANAGE_RECORDS), SCOPE_SCHOOL, true, h_staff_patch},
    /* records: students */
    {"GET", "/api/v1/students", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_students_list},
    {"POST", "/api/v1/students", P(MANAGE_RECORDS), SCOPE_SCHOOL, true, h_students_create},
    {"GET", "/api/v1/students/{id}", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_students_get},
    {"PATCH", "/api/v1/students/{id}", P(MANAGE_RECORDS), SCOPE_SCHOOL, true, h_students_patch},
    {"POST", "/api/v1/students/{id}/withdraw", P(MANAGE_RECORDS), SCOPE_SCHOOL, true, h_students_withdraw},
    {"GET", "/api/v1/representatives", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_representatives_list},
    {"GET", "/api/v1/representatives/{id}", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_representatives_get},
    {"PATCH", "/api/v1/representatives/{id}", P(MANAGE_RECORDS), SCOPE_SCHOOL, true, h_representatives_patch},
    /* records: import */
    {"POST", "/api/v1/imports/matricula", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_imports_matricula},
    {"POST", "/api/v1/representatives/invitations", P(MANAGE_RECORDS), SCOPE_SCHOOL, true, h_representatives_invite},
    /* people: users (school admins), platform admins, one-time links */
    {"PATCH", "/api/v1/users/{id}", P(INVITE_USERS), SCOPE_SCHOOL, true, h_users_patch},
    {"POST", "/api/v1/users/{id}/invitation", P(INVITE_USERS), SCOPE_SCHOOL, false, h_users_invitation},
    {"POST", "/api/v1/users/{id}/password-reset", P(INVITE_USERS), SCOPE_SCHOOL, false, h_users_reset},
    {"GET", "/api/v1/platform/users", P(CREATE_TENANTS), SCOPE_MASTER, false, h_platform_users_list},
    {"POST", "/api/v1/platform/users", P(CREATE_TENANTS), SCOPE_MASTER, true, h_platform_users_create},
    {"PATCH", "/api/v1/platform/users/{id}", P(CREATE_TENANTS), SCOPE_MASTER, true, h_platform_users_patch},
    {"POST", "/api/v1/platform/users/{id}/invitation", P(CREATE_TENANTS), SCOPE_MASTER, false, h_platform_users_invitation},
    {"POST", "/api/v1/platform/users/{id}/password-reset", P(CREATE_TENANTS), SCOPE_MASTER, false, h_platform_users_reset},
    {"POST", "/api/v1/auth/password-reset", ROUTE_PUBLIC, SCOPE_SCHOOL, true, h_password_reset},
    {"GET", "/api/v1/auth/links/{token}", ROUTE_PUBLIC, SCOPE_SCHOOL, false, h_link_get},
    {"POST", "/api/v1/auth/links/{token}", ROUTE_PUBLIC, SCOPE_SCHOOL, true, h_link_use},
    /* mail (issue #14): the store's sent mail and its state */
    {"GET", "/api/v1/mail", P(INVITE_USERS) | P(MANAGE_SCHOOL_SETTINGS) | P(MANAGE_INVITATIONS), SCOPE_SCHOOL, false, h_mail_list},
    /* branding (GET /api/v1/branding is at the top) */
    {"PATCH", "/api/v1/branding", P(MANAGE_SCHOOL_SETTINGS), SCOPE_SCHOOL, true, h_branding_patch},
    {"GET", "/api/v1/branding/logo", ROUTE_PUBLIC, SCOPE_SCHOOL, false, h_branding_logo_get},
    {"PUT", "/api/v1/branding/logo", P(MANAGE_SCHOOL_SETTINGS), SCOPE_SCHOOL, false, h_branding_logo_put},
    {"DELETE", "/api/v1/branding/logo", P(MANAGE_SCHOOL_SETTINGS), SCOPE_SCHOOL, false, h_branding_logo_delete},
    /* schools (issue #14): invitations resent and revoked, the acceptance's code, a school's admins */
    {"POST", "/api/v1/platform/invitations/{id}/resend", P(MANAGE_INVITATIONS), SCOPE_MASTER, false, h_invitations_resend},
    {"POST", "/api/v1/platform/invitations/{id}/revoke", P(MANAGE_INVITATIONS), SCOPE_MASTER, false, h_invitations_revoke},
    {"GET", "/api/v1/invitations/{token}/code", ROUTE_PUBLIC, SCOPE_MASTER, false, h_invitation_code},
    {"POST", "/api/v1/platform/tenants/{code}/admins", P(CREATE_TENANTS), SCOPE_MASTER, true, h_tenants_admins},
    /* network: console figures, export, delete, usage, dashboard plots */
    {"GET", "/api/v1/platform/tenants/{code}/export", P(CREATE_TENANTS), SCOPE_MASTER, false, h_tenants_export},
    {"DELETE", "/api/v1/platform/tenants/{code}", P(CREATE_TENANTS), SCOPE_MASTER, true, h_tenants_delete},
    {"GET", "/api/v1/platform/usage", P(VIEW_PLATFORM_ANALYTICS), SCOPE_MASTER, false, h_usage},
    {"GET", "/api/v1/platform/usage.csv", P(VIEW_PLATFORM_ANALYTICS), SCOPE_MASTER, false, h_usage_csv},
    {"GET", "/api/v1/platform/statistics/charts/{name}", P(VIEW_PLATFORM_ANALYTICS), SCOPE_MASTER, false, h_statistics_chart},
    /* timetables (issue #15), part import: a FET file or a .zip of a CSV folder */
    {"POST", "/api/v1/imports/timetable", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_timetable_import},
    /* setup (issue #15): bell schedules, plan de estudio, assignments, teachers' preferences */
    {"GET", "/api/v1/bell-schedules", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_bells_list},
    {"POST", "/api/v1/bell-schedules", P(MANAGE_RECORDS), SCOPE_SCHOOL, true, h_bells_create},
    {"GET", "/api/v1/bell-schedules/{id}", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_bells_get},
    {"PATCH", "/api/v1/bell-schedules/{id}", P(MANAGE_RECORDS), SCOPE_SCHOOL, true, h_bells_patch},
    {"DELETE", "/api/v1/bell-schedules/{id}", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_bells_delete},
    {"POST", "/api/v1/bell-schedules/{id}/sections", P(MANAGE_RECORDS), SCOPE_SCHOOL, true, h_bells_apply},
    {"GET", "/api/v1/study-plan", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_plan_list},
    {"POST", "/api/v1/study-plan", P(MANAGE_RECORDS), SCOPE_SCHOOL, true, h_plan_create},
    {"PATCH", "/api/v1/study-plan/{id}", P(MANAGE_RECORDS), SCOPE_SCHOOL, true, h_plan_patch},
    {"DELETE", "/api/v1/study-plan/{id}", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_plan_delete},
    {"GET", "/api/v1/assignments", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_assignments_list},
    {"POST", "/api/v1/assignments", P(MANAGE_RECORDS), SCOPE_SCHOOL, true, h_assignments_create},
    {"PATCH", "/api/v1/assignments/{id}", P(MANAGE_RECORDS), SCOPE_SCHOOL, true, h_assignments_patch},
    {"DELETE", "/api/v1/assignments/{id}", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_assignments_delete},
    {"GET", "/api/v1/preferences", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_preferences_list},
    {"POST", "/api/v1/preferences/{id}/approve", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_preferences_approve},
    {"POST", "/api/v1/preferences/{id}/reject", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_preferences_reject},
    {"DELETE", "/api/v1/preferences/{id}", P(MANAGE_RECORDS), SCOPE_SCHOOL, false, h_preferences_delete},
    {"GET", "/api/v1/me/preferences", P(MANAGE_OWN_PREFERENCES), SCOPE_SCHOOL, false, h_my_preferences_get},
    {"PUT", "/api/v1/me/preferences", P(MANAGE_OWN_PREFERENCES), SCOPE_SCHOOL, true, h_my_preferences_put},
};

const size_t routes_count = sizeof routes / sizeof routes[0];
