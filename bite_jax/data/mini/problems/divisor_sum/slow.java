import java.util.Scanner;

public class Main {
    public static void main(String[] args) {
        Scanner sc = new Scanner(System.in);
        int n = sc.nextInt();
        long total = 0;
        for (int i = 1; i <= n; i++) {
            // divisors up to sqrt(i)
            for (int j = 1; j <= i / j; j++) {
                if (i % j == 0) total++;
            }
            // their partners i / j above sqrt(i)
            for (int j = 1; j < i / j; j++) {
                if (i % j == 0) total++;
            }
        }
        System.out.println(total);
    }
}
