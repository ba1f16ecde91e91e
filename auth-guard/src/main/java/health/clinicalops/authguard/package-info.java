/** auth-guard: runbooks "Authentication Abuse Detected" and "Rate Limit Overwhelmed". */
package health.clinicalops.authguard;
