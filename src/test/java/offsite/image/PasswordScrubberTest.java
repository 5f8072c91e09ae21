package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordScrubberTest {

    private final PasswordScrubber scrubber = new PasswordScrubber(List.of("secret_word\\((\\w+)\\)", "<pass>([^<]*)</pass>",
            "\"apiKey\":\"([^\"]+)\"", "tenant=(\\w+)", "\"otp\":\"\\d{6}\",\"owner\":\"([^\"]+)\""));

    /** A secret file (its path, the format its name says, null for none) and its text before and after scrubbing. */
    record Case(String file, String format, String before, String after) {
        @Override
        public String toString() {
            return file + ": " + before.lines().findFirst().orElse("");
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("/etc/shadow", "shadow", "root:$6$abc$hash:19000:0:99999:7:::\n", "root:x:19000:0:99999:7:::\n"),
                new Case("/etc/shadow", "shadow", "daemon:*:19000:0:99999:7:::\n", "daemon:*:19000:0:99999:7:::\n"),
                new Case("/etc/shadow", "shadow", "nobody:!!:19000::::::\n", "nobody:!!:19000::::::\n"),
                new Case("/etc/shadow", "shadow", "guest::19000::::::\n", "guest::19000::::::\n"),
                new Case("/etc/shadow", "shadow", "locked:!$6$abc$hash:19000::::::\n", "locked:x:19000::::::\n"),
                new Case("/etc/shadow", "shadow", "not a record\n\n", "x\n\n"),
                new Case("/etc/shadow-", "shadow", "old:$y$j9T$salt$hash:19000:0:99999:7:::\n", "old:x:19000:0:99999:7:::\n"),
                new Case("/etc/gshadow", "shadow", "sudo:!::alice\nadm:grouphash:root:alice\n", "sudo:!::alice\nadm:x:root:alice\n"),

                new Case("/root/.netrc", ".netrc", """
                        machine api.example.com
                          login alice
                          password N3tRc-Secret
                        machine ftp.example.org login bob password Ftp-Pa55 account Acct-777
                        # old: password Commented-Out
                        default login anonymous password guest@example.org
                        machine split.example.org login carol password
                            Split-Line-Pw
                        macdef init
                        cd /pub
                        put Macro-Body-Secret

                        machine after.example.org login dave password "quoted pw"
                        """, """
                        machine api.example.com
                          login alice
                          password x
                        machine ftp.example.org login bob password x account x
                        # x
                        default login anonymous password x
                        machine split.example.org login carol password
                            x
                        macdef init
                        x
                        x

                        machine after.example.org login dave password x x
                        """),
                new Case("/home/u/_netrc", ".netrc", "machine h login u password p\r\n", "machine h login u password x\r\n"),

                new Case("/var/lib/postgresql/.pgpass", ".pgpass", """
                        # production, read-only replica
                        db.example.org:5432:app:app_user:Pg-Pa55
                        *:*:*:postgres:Esc\\:aped\\\\Pw:tail
                        db\\:odd:5432:*:admin:
                        only:three:fields
                        """, """
                        # x
                        db.example.org:5432:app:app_user:x
                        *:*:*:postgres:x
                        db\\:odd:5432:*:admin:
                        x
                        """),

                new Case("/root/.docker/config.json", "Docker config.json", """
                        {
                        \t"auths": {
                        \t\t"https://index.docker.io/v1/": {
                        \t\t\t"auth": "Ym9iOmh1bnRlcjI="
                        \t\t},
                        \t\t"ghcr.io": {
                        \t\t\t"auth": "Ym9iOmdocF9hYmM=",
                        \t\t\t"identitytoken": "eyJhbGciOi.Id-Token"
                        \t\t},
                        \t\t"registry.example.com": {"registrytoken": "rt-55aa", "email": "bob@example.org"}
                        \t},
                        \t"credHelpers": {
                        \t\t"123456789.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login"
                        \t},
                        \t"credsStore": "desktop",
                        \t"detachKeys": "ctrl-e,e",
                        \t"experimental": true
                        }
                        """, """
                        {
                        \t"auths": {
                        \t\t"https://index.docker.io/v1/": {
                        \t\t\t"auth": "x"
                        \t\t},
                        \t\t"ghcr.io": {
                        \t\t\t"auth": "x",
                        \t\t\t"identitytoken": "x"
                        \t\t},
                        \t\t"registry.example.com": {"registrytoken": "x", "email": "x"}
                        \t},
                        \t"credHelpers": {
                        \t\t"123456789.dkr.ecr.eu-west-1.amazonaws.com": "x"
                        \t},
                        \t"credsStore": "x",
                        \t"detachKeys": "x",
                        \t"experimental": true
                        }
                        """),
                new Case("/run/user/0/containers/auth.json", "containers auth.json", "{\"auths\":{\"quay.io\":{\"auth\":\"cXVheTpQdw==\"}}}\n",
                        "{\"auths\":{\"quay.io\":{\"auth\":\"x\"}}}\n"),

                new Case("/etc/wpa_supplicant/wpa_supplicant.conf", "wpa_supplicant.conf", """
                        ctrl_interface=DIR=/var/run/wpa_supplicant GROUP=netdev
                        update_config=1
                        country=DE

                        network={
                        \tssid="Home Net"
                        \tpsk="correct horse battery"
                        \tkey_mgmt=WPA-PSK
                        \tpriority=5
                        }
                        network={
                        \tssid="eduroam"
                        \tkey_mgmt=WPA-EAP
                        \teap=PEAP
                        \tidentity="alice@uni.example"
                        \tpassword="Uni-Pa55"
                        \tca_cert="/etc/ssl/certs/uni.pem"
                        \tphase2="auth=MSCHAPV2"
                        \tprivate_key="/etc/wpa/lab.key"
                        \tprivate_key_passwd="Lab-Key-Pass"
                        \twep_key0=0102030405
                        \tsae_password=Sae-Secret
                        }
                        # psk=Old-Psk
                        """, """
                        ctrl_interface=DIR=/var/run/wpa_supplicant GROUP=netdev
                        update_config=1
                        country=DE

                        network={
                        \tssid="Home Net"
                        \tpsk="x"
                        \tkey_mgmt=WPA-PSK
                        \tpriority=5
                        }
                        network={
                        \tssid="eduroam"
                        \tkey_mgmt=WPA-EAP
                        \teap=PEAP
                        \tidentity="alice@uni.example"
                        \tpassword="x"
                        \tca_cert="/etc/ssl/certs/uni.pem"
                        \tphase2="auth=MSCHAPV2"
                        \tprivate_key="x"
                        \tprivate_key_passwd="x"
                        \twep_key0=x
                        \tsae_password=x
                        }
                        # x
                        """),
                new Case("/etc/wpa_supplicant/wpa_supplicant-wlan0.conf", "wpa_supplicant.conf",
                        "network={\n psk=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n}\n", "network={\n psk=x\n}\n"),

                new Case("/home/u/.git-credentials", ".git-credentials", """
                        https://alice:ghp_Tok3nValue@github.com
                        https://oauth2:glpat-Xyz@gitlab.example.com/group
                        https://ghp_OnlyUserTok@github.com
                        not a url
                        """, """
                        https://alice:x@github.com
                        https://oauth2:x@gitlab.example.com/group
                        https://x:x@github.com
                        x
                        """),

                // audit image.md finding 1: a token as the URL's user, beside a placeholder, empty or "x" password
                new Case("/home/u/.git-credentials", ".git-credentials", """
                        https://0123456789abcdef0123456789abcdef01234567:x-oauth-basic@github.com
                        https://3f7a9c2e1b4d6f8a0c2e4b6d8f0a1c3e5b7d9f1a:@github.com
                        https://kq3zv9xmp2wkq3zv9xmp2wkq3zv9xmp:x@gitlab.example.com
                        https://x-access-token:ghs_AppTok3nValue@github.com/acme
                        """, """
                        https://x:x@github.com
                        https://x:x@github.com
                        https://x:x@gitlab.example.com
                        https://x-access-token:x@github.com/acme
                        """),
                new Case("/srv/app/deploy.env", "key=value settings", """
                        REPO_URL=https://0123456789abcdef0123456789abcdef01234567:x-oauth-basic@github.com/acme/app.git
                        NPM_REGISTRY=https://npm_3f7a9c2e1b4d6f8a0c2e4b6d8f0a1c3e5b7d:@registry.example.com
                        MIRROR_URL=https://kq3zv9xmp2wkq3zv9xmp2wkq3zv9xmp:x@gitlab.example.com/acme
                        DATABASE_URL=postgres://debian-sys-maint:Pg-Pw@db:5432/appdb
                        """, """
                        REPO_URL=https://x:x@github.com/acme/app.git
                        NPM_REGISTRY=https://x:x@registry.example.com
                        MIRROR_URL=https://x:x@gitlab.example.com/acme
                        DATABASE_URL=postgres://debian-sys-maint:x@db:5432/appdb
                        """),
                new Case("/etc/app/realm.json", "JSON",
                        "{\"remote\": \"https://0123456789abcdef0123456789abcdef01234567:x@github.com/acme/app.git\", \"dsn\": \"mysql://root:Pw@db/app\"}\n",
                        "{\"remote\": \"https://x:x@github.com/acme/app.git\", \"dsn\": \"mysql://root:x@db/app\"}\n"),

                // audit image.md finding 2: the key naming the secret is the value's sibling or parent, or a word the list missed
                new Case("/srv/k8s/deploy.yaml", "key=value settings", """
                        env:
                          - name: DB_PASSWORD
                            value: changeme
                          - name: API_SECRET
                            value: "supersecretvalue"
                          - name: LOG_LEVEL
                            value: info
                        users:
                          - admin:letmein
                          - name: bob
                            password: x
                        """, """
                        env:
                          - name: DB_PASSWORD
                            value: x
                          - name: API_SECRET
                            value: "x"
                          - name: LOG_LEVEL
                            value: info
                        users:
                          - x
                          - name: bob
                            password: x
                        """),
                new Case("/srv/app/compose.yml", "key=value settings", """
                        environment:
                        - name: DB_PASSWORD
                          value: changeme
                        - value: changeme
                          name: DB_PASSWORD
                        - type: password
                          value: changeme
                        - image: app
                          port: 8080
                        passwords:
                          admin: letmein
                          nested:
                            deeper: letmein
                        name: DB_PASSWORD
                        value: changeme
                        """, """
                        environment:
                        - name: DB_PASSWORD
                          value: x
                        - value: x
                          name: DB_PASSWORD
                        - type: password
                          value: x
                        - image: app
                          port: 8080
                        passwords:
                          admin: x
                          nested:
                            deeper: x
                        name: DB_PASSWORD
                        value: x
                        """),
                new Case("/etc/app/realm.json", "JSON", """
                        {"credentials": [{"type": "password", "value": "changeme", "temporary": false}],
                         "sim": {"pin": 4711, "code": "12345678"}}
                        """, """
                        {"credentials": [{"type": "password", "value": "x", "temporary": x}],
                         "sim": {"pin": x, "code": "x"}}
                        """),
                new Case("/srv/ecs/task-definition.json", "JSON", """
                        {"environment": [
                          {"name": "DB_PASSWORD", "value": "changeme"},
                          {"name": "LOG_LEVEL", "value": "info"},
                          {"value": "changeme", "name": "DB_PASSWORD"},
                          {"key": "API_TOKEN", "value": "changeme"}
                        ],
                         "passwords": {"admin": "letmein", "list": ["letmein"], "retries": 3},
                         "db": {"name": "app", "port": 5432}}
                        """, """
                        {"environment": [
                          {"name": "DB_PASSWORD", "value": "x"},
                          {"name": "LOG_LEVEL", "value": "info"},
                          {"value": "x", "name": "DB_PASSWORD"},
                          {"key": "x", "value": "x"}
                        ],
                         "passwords": {"admin": "x", "list": ["x"], "retries": x},
                         "db": {"name": "app", "port": 5432}}
                        """),
                new Case("/etc/NetworkManager/system-connections/mobile.nmconnection", "key=value settings", """
                        [gsm]
                        apn=internet
                        pin=4711
                        password=x
                        """, """
                        [gsm]
                        apn=internet
                        pin=x
                        password=x
                        """),
                new Case("/srv/app/admin.env", "key=value settings", """
                        ADMIN_PHRASE=letmein
                        SIM_PIN=1234
                        simPuk=12345678
                        code=12345678
                        DOOR_CODE=4711
                        recoveryCodes=abc
                        COUNTRY_CODE=DE
                        languageCode=en
                        mapping_file=/etc/app/map.txt
                        ping_interval=30s
                        encoder=plain
                        codec=opus
                        """, """
                        ADMIN_PHRASE=x
                        SIM_PIN=x
                        simPuk=x
                        code=x
                        DOOR_CODE=x
                        recoveryCodes=x
                        COUNTRY_CODE=DE
                        languageCode=en
                        mapping_file=/etc/app/map.txt
                        ping_interval=30s
                        encoder=plain
                        codec=opus
                        """),

                // audit image.md finding 9: a YAML flow sequence under a secret key is shaped like a [section] header
                new Case("/srv/app/flow.yml", "key=value settings", """
                        password:
                          ["hunter2"]
                        tokens:
                          [abc123def]
                        hosts:
                          [web]
                        """, """
                        password:
                        x
                        tokens:
                        x
                        hosts:
                          [web]
                        """),
                new Case("/etc/mysql/my.cnf", "key=value settings", """
                        [client]
                        password = hunter2
                        [mysqld]
                        port = 3306
                          [indented.header]
                        user = mysql
                        """, """
                        [client]
                        password = x
                        [mysqld]
                        port = 3306
                          [indented.header]
                        user = mysql
                        """),

                new Case("/srv/app/app.env", "key=value settings", """
                        # database
                        DB_HOST=db.example.org
                        DB_PORT=5432
                        DB_USER=app
                        DB_PASSWORD=hunter2
                        DB_PASS=Unnamed-Secret
                        ROOTPW=Root-Pw
                        export API_TOKEN='tok123'
                        PGPASSWORD=a=b=c
                        STRIPE=sk_live_51HxYz
                        SLACK_WEBHOOK=https://hooks.slack.com/services/T000/B000/XXXX
                        DATABASE_URL=postgres://app:Pg-Url-Pw@db.internal:5432/appdb
                        REDIS_URL="redis://:Redis-Pw@cache:6379/0"
                        AMQP_URL=amqp://guest:Rabbit-Pw@mq/vhost
                        SENTRY_DSN=https://abc123key@o1.ingest.sentry.io/42
                        LOG_LEVEL=info
                        DEBUG=false
                        DATA_DIR=/var/lib/app
                        password=
                        PASSWORD_MIN_LENGTH
                        no newline at the end: token=abc""", """
                        # x
                        DB_HOST=db.example.org
                        DB_PORT=5432
                        DB_USER=app
                        DB_PASSWORD=x
                        DB_PASS=x
                        ROOTPW=x
                        export API_TOKEN='x'
                        PGPASSWORD=x
                        STRIPE=x
                        SLACK_WEBHOOK=x
                        DATABASE_URL=postgres://app:x@db.internal:5432/appdb
                        REDIS_URL="redis://:x@cache:6379/0"
                        AMQP_URL=amqp://guest:x@mq/vhost
                        SENTRY_DSN=x
                        LOG_LEVEL=info
                        DEBUG=false
                        DATA_DIR=/var/lib/app
                        password=
                        x
                        x"""),
                new Case("/srv/app/.env", "key=value settings", "PGPASSWORD=a=b=c\r\ntoken=abc", "PGPASSWORD=x\r\ntoken=x"),
                new Case("/etc/mysql/debian.cnf", "key=value settings", """
                        [client]
                        host     = localhost
                        user     = debian-sys-maint
                        password = My-Sql-Pw
                        socket   = /var/run/mysqld/mysqld.sock
                        ; password = Old-Pw
                        """, """
                        [client]
                        host     = localhost
                        user     = debian-sys-maint
                        password = x
                        socket   = /var/run/mysqld/mysqld.sock
                        ; x
                        """),
                new Case("/srv/app/app.yml", "key=value settings", """
                        spring:
                          datasource:
                            url: jdbc:mysql://db:3306/app
                            username: app
                            password: "s3cr3t"
                          mail:
                            url: smtp://mailer:Smtp-Pw@mail.example.org:587
                          client-secret: "s3cr3t"
                          key: |
                            Block-Scalar-Secret
                        """, """
                        spring:
                          datasource:
                            url: x
                            username: app
                            password: "x"
                          mail:
                            url: smtp://mailer:x@mail.example.org:587
                          client-secret: "x"
                          key: x
                        x
                        """),
                new Case("/srv/k8s/secret.yaml", "key=value settings", """
                        data:
                          token: |
                            c2hhcmVkLXNlY3JldC10b2tlbg=
                          pw: |
                            aHVudGVyMg==
                          salt: |
                            U2FsdGVkX1/8kJ2mQ9pL=
                        password=
                        enabled=
                        """, """
                        data:
                          token: x
                        x
                          pw: x
                        x
                          salt: x
                        x
                        password=
                        enabled=
                        """),
                new Case("/root/.aws/credentials", "key=value settings", """
                        [default]
                        aws_access_key_id = AKIAIOSFODNN7EXAMPLE
                        aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
                        region = eu-west-1
                        """, """
                        [default]
                        aws_access_key_id = x
                        aws_secret_access_key = x
                        region = x
                        """),
                new Case("/srv/app/app.ini", "key=value settings", "private_key = abcdef\npassphrase=correct horse battery\n", "private_key = x\npassphrase=x\n"),
                new Case("/srv/app/app.conf", "key=value settings", "smtp.passwd : s3cr3t ;\n", "smtp.passwd : x ;\n"),
                new Case("/etc/offsite/application.properties", "key=value settings", """
                        offsite.notify.heartbeat-url=https://hc-ping.com/0f8c4d2e-5b7a-4c1e-9d3f-6a2b8e1c7d90
                        offsite.notify.webhook-url=https://hooks.example.org/hook/9f2c4a7be1d04c55
                        push=https://push.example.org/api/kq3zv9xmp2wr8t4/send
                        split=https://push.example.org/t/kq3_zv-9xm_p2w-r8t4
                        long=https://example.org/u/abcdefghijklmnopqrstuvwxyz
                        hook_dir=/srv/hooks/AbCdEf12GhIj34KlMn
                        sum_file=/var/lib/app/deadbeefcafebabe0011.sum
                        docs=https://example.org/docs/index.html
                        download=https://cdn.example.org/java/openjdk-17.0.2_linux-x64_bin.tar.gz
                        iso=https://releases.example.org/24.04/ubuntu-24.04.1-live-server-amd64.iso
                        mirror=https://deb.example.org/debian/dists/bookworm-updates/main/binary-amd64
                        data_dir=/srv/CamelCaseDirectoryName/v2
                        """, """
                        offsite.notify.heartbeat-url=x
                        offsite.notify.webhook-url=x
                        push=x
                        split=x
                        long=x
                        hook_dir=x
                        sum_file=x
                        docs=https://example.org/docs/index.html
                        download=https://cdn.example.org/java/openjdk-17.0.2_linux-x64_bin.tar.gz
                        iso=https://releases.example.org/24.04/ubuntu-24.04.1-live-server-amd64.iso
                        mirror=https://deb.example.org/debian/dists/bookworm-updates/main/binary-amd64
                        data_dir=/srv/CamelCaseDirectoryName/v2
                        """),
                new Case("/srv/app/hooks.json", "JSON", "{\"ping\": \"https://hc-ping.com/0f8c4d2e-5b7a-4c1e-9d3f-6a2b8e1c7d90\", \"docs\": \"https://example.org/docs\"}\n",
                        "{\"ping\": \"x\", \"docs\": \"https://example.org/docs\"}\n"),
                new Case("/srv/app/bytes.env", "key=value settings", "caf\u00e9=cr\u00e8me\ntoken=\u00ff\u00fe\n", "x\ntoken=x\n"),

                new Case("/srv/app/config.json", "JSON", """
                        {
                          "name": "app",
                          "port": 8080,
                          "db_password": "p@ss",
                          "otp_seed": 123456,
                          "api_tokens": [
                            {"name": "ci"},
                            "rawtokenvalue"
                          ],
                          "hosts": ["a.example.org", "Mixed9Case7Token"],
                          "dsn": "mysql://root:Json-Url-Pw@db/app",
                          "admin_passphrase": 'Sw0rdfish!',
                          "gcp_key": "-----BEGIN PRIVATE KEY-----\\nMIIEv\\n-----END PRIVATE KEY-----\\n",
                          "open": "never closed
                        }
                        """, """
                        {
                          "name": "app",
                          "port": 8080,
                          "db_password": "x",
                          "otp_seed": x,
                          "api_tokens": [
                            {"name": "ci"},
                            "x"
                          ],
                          "hosts": ["a.example.org", "x"],
                          "dsn": "mysql://root:x@db/app",
                          "admin_passphrase": x,
                          "gcp_key": "x",
                          "open": "x
                        }
                        """),

                new Case("/etc/ssl/private/tls.key", "PEM", "before\n-----BEGIN RSA PRIVATE KEY-----\nAAAA\nBBBB\n-----END RSA PRIVATE KEY-----\nafter\n",
                        "x\n-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----\nx\n"),
                new Case("/root/key.asc", "PEM", "-----BEGIN PGP PRIVATE KEY BLOCK-----\r\n\r\nlQOYBF\r\n=abcd\r\n-----END PGP PRIVATE KEY BLOCK-----\r\n",
                        "-----BEGIN PGP PRIVATE KEY BLOCK-----\r\nx\r\n-----END PGP PRIVATE KEY BLOCK-----\r\n"),
                new Case("/etc/ssl/private/cut.key", "PEM", "-----BEGIN EC PRIVATE KEY-----\nAAAA\nBBBB\n", "-----BEGIN EC PRIVATE KEY-----\nx\n"),
                new Case("/etc/ssh/ssh_host_ed25519_key", "PEM", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----\n",
                        "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n"),
                new Case("/etc/ssl/bundle.pem", "PEM", """
                        Bag Attributes
                            friendlyName: server
                        -----BEGIN CERTIFICATE-----
                        MIIBszCCAVmgAwIBAgIU
                        Q1bN7c==
                        -----END CERTIFICATE-----
                        -----BEGIN ENCRYPTED PRIVATE KEY-----
                        MIIFHDBOBgkqhkiG9w0B
                        -----END ENCRYPTED PRIVATE KEY-----
                        """, """
                        x
                        x
                        -----BEGIN CERTIFICATE-----
                        MIIBszCCAVmgAwIBAgIU
                        Q1bN7c==
                        -----END CERTIFICATE-----
                        -----BEGIN ENCRYPTED PRIVATE KEY-----
                        x
                        -----END ENCRYPTED PRIVATE KEY-----
                        """),

                new Case("/srv/app/app.conf", "key=value settings", "auth secret_word(letmein) and secret_word(again) end\n", "x\n"),
                new Case("/srv/app/app.conf", "key=value settings", "<user>bob</user><pass>hunter2</pass>\n", "x\n"),
                new Case("/srv/app/app.conf", "key=value settings", "tenant=acme\nregion_name=europe\n", "tenant=x\nregion_name=europe\n"),
                new Case("/srv/app/min.json", "JSON", "{\"db_password\":\"Hunter2Secret\",\"apiKey\":\"AbC123xyz\",\"name\":\"app\"}\n",
                        "{\"db_password\":\"x\",\"apiKey\":\"x\",\"name\":\"app\"}\n"),
                new Case("/srv/app/seed.json", "JSON", "{\"otp\":\"123456\",\"owner\":\"alice\"}\n", "x\n"),

                new Case("/etc/app/token", null, "ghp_RawTokenNoFormat\n", "x\n"),
                new Case("/srv/app/app.xml", null, "<db>\n  <pass>Xml-Pw</pass>\n\n</db>", "x\nx\n\nx"),
                new Case("/etc/krb5.keytab", null, "\u0005\u0002\u0000\u0000\u00ffkey\nbytes\r\n", "x\nx\r\n"),
                new Case("/etc/app/empty", null, "", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void keeps_what_the_format_clears_and_replaces_every_other_value_by_x(Case c) throws Exception {
        Path file = Path.of(c.file());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        scrubber.scrub(file, new ByteArrayInputStream(c.before().getBytes(StandardCharsets.ISO_8859_1)), out);

        assertThat(PasswordScrubber.formatOf(file).map(SecretFormat::name).orElse(null)).isEqualTo(c.format());
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo(c.after());
    }

    @Test
    void a_line_longer_than_the_limit_becomes_x_and_the_stream_goes_on() throws Exception {
        long lineBytes = 50L << 20; // 50 MiB in one line, generated: never held in memory
        InputStream huge = new SequenceInputStream(new ByteArrayInputStream("first=1\n".getBytes()),
                new SequenceInputStream(new RepeatedByte('a', lineBytes), new ByteArrayInputStream("\nlast_token=zz\n".getBytes())));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        scrubber.scrub(Path.of("/srv/app/app.env"), huge, out);

        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo("first=1\nx\nlast_token=x\n");
    }

    @Test
    void a_large_file_passes_through_line_by_line() throws Exception {
        long bytes = 64L << 20;
        long[] written = {0};
        OutputStream counter = new OutputStream() {
            @Override
            public void write(int b) {
                written[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                written[0] += len;
            }
        };
        scrubber.scrub(Path.of("/srv/app/app.env"), new RepeatedByte('\n', bytes), counter);

        assertThat(written[0]).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"no group here", "(two)(groups)", "unclosed(group"})
    void a_rule_without_exactly_one_group_is_refused_by_name(String rule) {
        assertThatThrownBy(() -> new PasswordScrubber(List.of(rule)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offsite.image.scrub-rules").hasMessageContaining(rule);
    }

    /** count copies of one byte, made as they are read. */
    static final class RepeatedByte extends InputStream {
        private final int value;
        private long left;

        RepeatedByte(char value, long count) {
            this.value = value;
            this.left = count;
        }

        @Override
        public int read() {
            return left-- > 0 ? value : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            Arrays.fill(b, off, off + n, (byte) value);
            left -= n;
            return n;
        }
    }
}
