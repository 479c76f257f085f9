package com.example.users;

import java.util.List;
import java.util.Map;
import static java.util.Objects.requireNonNull;

/** Manages users. */
public class UserService {
    public static final int MAX_USERS = 100;
    private final Map<Long, User> users;

    public UserService(Map<Long, User> users) {
        this.users = requireNonNull(users);
    }

    @Override
    public String toString() {
        return "UserService(" + users.size() + ")";
    }

    public boolean resetPassword(long id, String password) {
        User user = find(id);
        if (user == null) {
            return false;
        }
        user.setPassword(Hashing.hash(password));
        return true;
    }

    private User find(long id) {
        return users.get(id);
    }

    public static class User {
        private String password;

        void setPassword(String password) {
            this.password = password;
        }
    }

    enum Role {
        ADMIN,
        MEMBER;

        boolean canAdmin() {
            return this == ADMIN;
        }
    }

    interface Hashing {
        static String hash(String s) {
            return Integer.toHexString(s.hashCode());
        }
    }

    record Event(String name, long at) {}
}
