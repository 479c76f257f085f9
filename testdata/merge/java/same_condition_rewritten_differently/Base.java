public class Policy {
    public static boolean allowed(int age, boolean member) {
        if (age >= 18 && member) {
            return true;
        }
        return false;
    }
}
