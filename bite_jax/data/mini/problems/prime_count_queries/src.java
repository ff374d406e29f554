import java.util.Scanner;

public class Main {
    public static void main(String[] args) {
        Scanner sc = new Scanner(System.in);
        int q = sc.nextInt();
        for (int t = 0; t < q; t++) {
            int x = sc.nextInt();
            boolean[] composite = new boolean[x + 1];
            int count = 0;
            for (int i = 2; i <= x; i++) {
                if (composite[i]) continue;
                count++;
                for (long j = (long) i * i; j <= x; j += i) composite[(int) j] = true;
            }
            System.out.println(count);
        }
    }
}
