#include <iostream>
using namespace std;

int main() {
    long long n;
    cin >> n;
    long long best = 1, bestLen = 0;
    for (long long i = 1; i <= n; ++i) {
        long long x = i, len = 0;
        while (x != 1) {
            if (x % 2 == 0) x /= 2;
            else x = 3 * x + 1;
            ++len;
        }
        if (len > bestLen) {
            bestLen = len;
            best = i;
        }
    }
    cout << best << ' ' << bestLen << '\n';
    return 0;
}
