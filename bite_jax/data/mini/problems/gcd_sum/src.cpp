#include <iostream>
#include <numeric>
using namespace std;

int main() {
    int t;
    cin >> t;
    while (t--) {
        long long n;
        cin >> n;
        long long s = 0;
        for (long long j = 1; j <= n; ++j) s += gcd(j, n);
        cout << s << '\n';
    }
    return 0;
}
