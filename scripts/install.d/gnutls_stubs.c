/*
 * Stand-ins for the GnuTLS functions that Debian's static libmicrohttpd refers to, so that the installed
 * mini-compose links libmicrohttpd statically and needs no GnuTLS on the node. mini-compose never asks
 * libmicrohttpd for TLS (no MHD_USE_TLS), so only the library's load-time init and exit-time deinit are
 * reached: they succeed and do nothing. Any other call would mean TLS was enabled, and stops the program.
 */
#include <stdio.h>
#include <stdlib.h>

int gnutls_global_init(void) { return 0; }
void gnutls_global_deinit(void) {}

void *(*gnutls_malloc)(size_t) = malloc;

static void unreachable(const char *name) {
    fprintf(stderr, "mini-compose: %s called, but this build has no TLS support\n", name);
    abort();
}

const char *gnutls_strerror(int error) {
    (void)error;
    return "TLS is not supported by this build";
}

#define STUB(name) \
    int name(void); \
    int name(void) { unreachable(#name); return -1; }

STUB(gnutls_alpn_set_protocols)
STUB(gnutls_bye)
STUB(gnutls_certificate_allocate_credentials)
STUB(gnutls_certificate_free_credentials)
STUB(gnutls_certificate_server_set_request)
STUB(gnutls_certificate_set_dh_params)
STUB(gnutls_certificate_set_retrieve_function2)
STUB(gnutls_certificate_set_retrieve_function3)
STUB(gnutls_certificate_set_x509_key_mem)
STUB(gnutls_certificate_set_x509_key_mem2)
STUB(gnutls_certificate_set_x509_trust_mem)
STUB(gnutls_cipher_get)
STUB(gnutls_credentials_set)
STUB(gnutls_deinit)
STUB(gnutls_dh_params_deinit)
STUB(gnutls_dh_params_import_pkcs3)
STUB(gnutls_dh_params_init)
STUB(gnutls_handshake)
STUB(gnutls_init)
STUB(gnutls_priority_deinit)
STUB(gnutls_priority_init)
STUB(gnutls_priority_set)
STUB(gnutls_protocol_get_version)
STUB(gnutls_psk_allocate_server_credentials)
STUB(gnutls_psk_free_server_credentials)
STUB(gnutls_psk_set_server_credentials_function)
STUB(gnutls_record_check_pending)
STUB(gnutls_record_get_direction)
STUB(gnutls_record_recv)
STUB(gnutls_record_send)
STUB(gnutls_session_get_ptr)
STUB(gnutls_session_set_ptr)
STUB(gnutls_transport_set_int2)
