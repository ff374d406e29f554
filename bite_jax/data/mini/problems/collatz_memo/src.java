import java.util.Scanner;

public class Main {
    public static void main(String[] args) {
        Scanner sc = new Scanner(System.in);
        long n = sc.nextLong();
        long best = 1, bestLen = 0;
        for (long i = 1; i <= n; i++) {
            long x = i, len = 0;
            while (x != 1) {
                if (x % 2 == 0) x /= 2;
                else x = 3 * x + 1;
                len++;
            }
            if (len > bestLen) {
                bestLen = len;
                best = i;
            }
        }
        System.out.println(best + " " + bestLen);
    }
}
