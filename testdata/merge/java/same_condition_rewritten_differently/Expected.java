public class Policy {
    public static boolean allowed(int age, boolean member) {
<<<<<<< ours
        if (age >= 21 && member) {
||||||| base
        if (age >= 18 && member) {
=======
        if (age > 18 || member) {
>>>>>>> theirs
            return true;
        }
        return false;
    }
}
