#include <iostream>
#include <vector>
using namespace std;

int main() {
    long long n;
    cin >> n;
    // an even i takes one halving to reach i / 2, whose length is already known; odd i still walk the whole chain
    vector<int> length(n + 1, 0);
    long long best = 1, bestLen = 0;
    for (long long i = 1; i <= n; ++i) {
        int len = 0;
        if (i % 2 == 0) {
            len = length[i / 2] + 1;
        } else {
            long long x = i;
            while (x != 1) {
                if (x % 2 == 0) x /= 2;
                else x = 3 * x + 1;
                ++len;
            }
        }
        length[i] = len;
        if (len > bestLen) {
            bestLen = len;
            best = i;
        }
    }
    cout << best << ' ' << bestLen << '\n';
    return 0;
}
