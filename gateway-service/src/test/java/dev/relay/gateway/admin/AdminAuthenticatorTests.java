package dev.relay.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.gateway.admin.AdminAuthenticator.Outcome;
import org.junit.jupiter.api.Test;

class AdminAuthenticatorTests {

    private final AdminAuthenticator auth = new AdminAuthenticator("s3cret-admin-token");

    @Test
    void acceptsTheBearerTokenOrTheAdminTokenHeader() {
        assertThat(auth.check("Bearer s3cret-admin-token", null)).isEqualTo(Outcome.ALLOWED);
        assertThat(auth.check("bearer s3cret-admin-token", null)).isEqualTo(Outcome.ALLOWED);
        assertThat(auth.check(null, "s3cret-admin-token")).isEqualTo(Outcome.ALLOWED);
    }

    @Test
    void refusesAMissingToken() {
        assertThat(auth.check(null, null)).isEqualTo(Outcome.MISSING);
        assertThat(auth.check("Basic dXNlcjpwdw==", null)).isEqualTo(Outcome.MISSING);
        assertThat(auth.check("Bearer ", " ")).isEqualTo(Outcome.MISSING);
    }

    @Test
    void refusesAWrongTokenIncludingAPrefixOfTheRightOne() {
        assertThat(auth.check("Bearer wrong", null)).isEqualTo(Outcome.INVALID);
        assertThat(auth.check("Bearer s3cret-admin", null)).isEqualTo(Outcome.INVALID);
        assertThat(auth.check(null, "s3cret-admin-token-and-more")).isEqualTo(Outcome.INVALID);
    }

    @Test
    void refusesEverythingWhenNoTokenIsConfigured() {
        AdminAuthenticator none = new AdminAuthenticator("  ");
        assertThat(none.configured()).isFalse();
        assertThat(none.check("Bearer anything", null)).isEqualTo(Outcome.NOT_CONFIGURED);
        assertThat(none.check(null, null)).isEqualTo(Outcome.NOT_CONFIGURED);
        assertThat(new AdminAuthenticator(null).check("Bearer ", null)).isEqualTo(Outcome.NOT_CONFIGURED);
    }
}
