import java.util.Scanner;

public class Main {
    public static void main(String[] args) {
        Scanner sc = new Scanner(System.in);
        long n = sc.nextLong();
        // an even i takes one halving to reach i / 2, whose length is already known; odd i still walk the whole chain
        int[] length = new int[(int) n + 1];
        long best = 1, bestLen = 0;
        for (long i = 1; i <= n; i++) {
            int len = 0;
            if (i % 2 == 0) {
                len = length[(int) (i / 2)] + 1;
            } else {
                long x = i;
                while (x != 1) {
                    if (x % 2 == 0) x /= 2;
                    else x = 3 * x + 1;
                    len++;
                }
            }
            length[(int) i] = len;
            if (len > bestLen) {
                bestLen = len;
                best = i;
            }
        }
        System.out.println(best + " " + bestLen);
    }
}
