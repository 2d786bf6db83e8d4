//! `show | compare`.

use jet_config::Config;

use crate::parse;

fn old() -> Config {
    parse(
        "system {
    host-name r1;
    login {
        user a {
            class operator;
        }
    }
}
interfaces {
    ge-0/0/0 {
        mtu 1500;
    }
}",
    )
}

#[test]
fn compare_of_equal_configurations_is_empty() {
    assert_eq!(old().compare(&old()), "");
}

#[test]
fn compare_shows_changed_leaves_added_and_removed_subtrees() {
    let new = parse(
        "system {
    host-name r2;
    login {
        user b {
            class read-only;
            uid 2001;
        }
    }
}
interfaces {
    ge-0/0/0 {
        mtu 9000;
        unit 0 {
            family inet {
                address 192.0.2.1/24;
            }
        }
    }
}
routing-options {
    static {
        route 0.0.0.0/0 next-hop 192.0.2.254;
    }
}",
    );
    assert_eq!(
        old().compare(&new),
        "[edit system]
-  host-name r1;
+  host-name r2;
[edit system login]
-  user a {
-      class operator;
-  }
+  user b {
+      uid 2001;
+      class read-only;
+  }
[edit interfaces ge-0/0/0]
-  mtu 1500;
+  mtu 9000;
+  unit 0 {
+      family inet {
+          address 192.0.2.1/24;
+      }
+  }
[edit]
+  routing-options {
+      static {
+          route 0.0.0.0/0 next-hop 192.0.2.254;
+      }
+  }
"
    );
}

#[test]
fn compare_shows_state_changes_and_leaf_list_values() {
    let a = Config::parse_set(
        "set system host-name r1\nset system services extension-service notification allow-clients address 10.0.0.0/8",
    )
    .expect("parses");
    let mut b = a.clone();
    b.apply_set(
        "deactivate system host-name\nset system services extension-service notification allow-clients address 127.0.0.1/32",
    )
    .expect("applies");
    assert_eq!(
        a.compare(&b),
        "[edit system]
!  inactive: host-name r1;
[edit system services extension-service notification allow-clients]
+  address 127.0.0.1/32;
"
    );
}
