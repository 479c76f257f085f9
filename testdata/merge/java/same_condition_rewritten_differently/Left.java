public class Policy {
    public static boolean allowed(int age, boolean member) {
        if (age >= 21 && member) {
            return true;
        }
        return false;
    }
}
